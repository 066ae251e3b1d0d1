import { pingJob } from "./ping";
import { createJobRegistry, type JobDefinition } from "./registry";

/** Every job this worker knows. Add new kinds here (the training job comes next). */
export const trainerJobs = createJobRegistry([pingJob as JobDefinition]);
