/** runtime-spec versions this runtime implements (features.md ociVersionMin/Max). */
export const OCI_VERSION_MIN = "1.0.0";
export const OCI_VERSION_MAX = "1.3.0";
