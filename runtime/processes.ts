// Whether another process still runs: what the store's recovery (R2 uploads,
// queue leases), the dev registry and RPC loans ask of a pid written down by
// a process that may have been killed with -9.

export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else. Anything else (ESRCH): gone.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
