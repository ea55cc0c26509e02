/**
 * Every built-in form module, imported once so the registry (forms/index.ts) is complete.
 * Code that looks forms up by key (the task inbox, the form endpoint) imports from here.
 */
import './auth';
import './demo-approval';
import './elements/coverage';
import './elements/enterprise';
import './elements/facility';
import './elements/grid';
import './elements/grid-worker';
import './elements/house';
import './elements/institution';
import './elements/merchant';
import './issue/actions';
import './issue/report';
import './tags/definition';
import './tags/search';

export { allForms, getForm } from './index';
