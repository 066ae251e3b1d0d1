// The test-database helpers live in @bytelab/db (its `testing` entry point); kept here for the repo-level tests.
export { createEmptyDatabase } from "@bytelab/db/testing";
