export { buildProgram, main } from "./main";
export { BACKEND_HELP } from "./commands/common";
export { EXIT_HELP } from "./exit";
