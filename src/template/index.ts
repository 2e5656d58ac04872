/** Go text/template with Prometheus's template functions, for alert labels and annotations. */
export {
  ALERT_TEMPLATE_HEADER,
  alertTemplateData,
  alertTemplateFunctionNames,
  alertTemplateParseError,
  expandAlertTemplate,
  expandTemplate,
  FUNCTIONS_NEWER_THAN_PROMETHEUS_3_5,
  newerFunctionsCalled,
  type AlertTemplateInput,
} from "./expand.js";
export { ExecError, type FuncMap, type MissingKey } from "./exec.js";
export { TemplateParseError, type TemplateErrorDetail } from "./parser.js";
export { prometheusFuncs, queryResult, type QueryFn, type TemplateSample } from "./prometheus-funcs.js";
export { Template, type TemplateOptions } from "./template.js";
export { sprint, sprintf, sprintln } from "./gofmt.js";
export { GoCallError, GoFunc, GoMap, GoSlice, GoStruct, anyMap, stringMap, type Value } from "./values.js";
