// The folder name of this machine's prebuilt binary, e.g. `linux-x64-glibc`. The addon uses Node-API only,
// so one binary serves every Node version; the C library still has to match (glibc vs musl on Linux).
// Kept in step with `prebuildKey` in src/prebuilt.ts (the loader), which cannot import this file.
export function prebuildKey(platform = process.platform, arch = process.arch) {
  if (platform !== 'linux') return `${platform}-${arch}`;
  return `${platform}-${arch}-${glibcVersion() ? 'glibc' : 'musl'}`;
}

/** The running glibc's version ("2.36"), or undefined on musl and other C libraries. */
export function glibcVersion() {
  const report = process.report?.getReport?.();
  return report?.header?.glibcVersionRuntime;
}
