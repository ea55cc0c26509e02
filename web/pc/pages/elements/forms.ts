/** The form of each element type (forms/elements/*.ts: the same schema the API validates with). */
import type { FormDefinition } from '../../../../forms';
import { enterpriseForm } from '../../../../forms/elements/enterprise';
import { facilityForm } from '../../../../forms/elements/facility';
import { gridWorkerForm } from '../../../../forms/elements/grid-worker';
import { houseForm } from '../../../../forms/elements/house';
import { institutionForm } from '../../../../forms/elements/institution';
import { merchantForm } from '../../../../forms/elements/merchant';
import type { ElementType } from './api';

export const elementForms: Record<ElementType, FormDefinition> = {
  house: houseForm,
  merchant: merchantForm,
  enterprise: enterpriseForm,
  institution: institutionForm,
  facility: facilityForm,
  grid_worker: gridWorkerForm,
};
