/**
 * The browser-side validator of every task form: ajv 8 (the same JSON Schema as the server's ajv)
 * with Chinese messages from ajv-i18n, then worded for people filling in a form: "此项为必填项"
 * instead of "应当有必需属性 comment", and no "应当匹配模式 then" noise from if/then rules.
 */
import type { RJSFValidationError } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import localizeZh from 'ajv-i18n/localize/zh';

export const zhValidator = customizeValidator({}, localizeZh);

export function transformErrors(errors: RJSFValidationError[]): RJSFValidationError[] {
  return errors
    .filter((e) => e.name !== 'if' && e.name !== 'then' && e.name !== 'else')
    .map((e) => {
      if (e.name === 'required') return { ...e, message: '此项为必填项，请填写' };
      if (e.name === 'enum' || e.name === 'const') return { ...e, message: '请从给出的选项中选择' };
      if (e.name === 'type' && e.params && (e.params as { type?: string }).type === 'integer') return { ...e, message: '请填写整数' };
      if (e.name === 'format') return { ...e, message: '格式不正确，请按提示填写' };
      return e;
    });
}
