export * from "./backend";
export * from "./golden";
