export * from "./backend";
export * from "./golden";
export * from "./layers";
export * from "./model";
export { NATS_TO_BITS, nextByteCrossEntropy } from "./loss";
export { type Initializer, ParamStore } from "./params";
export * from "./hourglass";
export * from "./megabyte";
export * from "./hnet";
