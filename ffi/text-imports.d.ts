// Text imports of C sources (bun:ffi cc() inputs), bundled into the binary.
declare module "*.c" {
  const source: string;
  export default source;
}
