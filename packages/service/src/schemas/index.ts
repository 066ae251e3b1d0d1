// @bytelab/service/schemas: the JSON shapes of every answer of the service (zod), importable from client
// components: nothing here touches Prisma, Redis or Node built-ins.
export * from "./boundaries";
export * from "./common";
export * from "./keys";
export * from "./run";
export * from "./series";
export * from "./sweep";
export * from "./verdict";
export * from "./workers";
