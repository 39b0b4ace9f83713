/** Whether process `pid` exists (EPERM: it exists but belongs to another user). Signal 0 probes without signalling. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
