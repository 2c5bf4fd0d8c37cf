import { features as implemented } from "../../features.ts";

export default function features(): void {
  console.log(JSON.stringify(implemented(), null, 4));
}
