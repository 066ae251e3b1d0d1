// fast-check as @bytelab/web declares it (v4): the API fuzz tests in tests/api import it from here, so they
// do not pick up the older copy another dependency hoists to the root node_modules.
export * from "fast-check";
export { default } from "fast-check";
