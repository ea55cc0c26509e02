/**
 * Registry of built-in forms: JSON Schema (validated by ajv on the server and by
 * react-jsonschema-form in the browser) plus a UI schema. User-designed forms are stored in the
 * database in the same shape. One module per form; this file only lists them.
 */
export interface FormDefinition {
  key: string;
  title: string;
  schema: Record<string, unknown>;
  uiSchema?: Record<string, unknown>;
}

const registry = new Map<string, FormDefinition>();

export function registerForm(def: FormDefinition): FormDefinition {
  if (registry.has(def.key)) throw new Error(`form ${def.key} registered twice`);
  registry.set(def.key, def);
  return def;
}

export function getForm(key: string): FormDefinition | undefined {
  return registry.get(key);
}

export function allForms(): FormDefinition[] {
  return [...registry.values()];
}
