import { features as implemented } from "../../features.ts";
import { hostLibraries } from "../../host/libraries.ts";

export default function features(): void {
  console.log(JSON.stringify(implemented(hostLibraries()), null, 4));
}
