// Loaded with `node --import` (NODE_OPTIONS) by doctor.test.ts: makes @tensorflow/tfjs-node and
// @tensorflow/tfjs-node-gpu unresolvable, as on a host where npm dropped them (an optional dependency whose
// install failed is removed), while the rest of node_modules stays as it is.
import { register } from "node:module";

const hook = `
const hidden = ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"];
export async function resolve(specifier, context, next) {
  if (hidden.some((h) => specifier === h || specifier.startsWith(h + "/"))) {
    const error = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL);
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
