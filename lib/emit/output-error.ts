/**
 * A problem writing the output that is not bulkhead's fault (permissions, a read-only or full disk, a mount
 * point, another synth holding the output): one line naming the path and what to do. Synth reports it
 * without a stack and exits 1; the previous output is intact when one of these is thrown.
 */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** `err` (from a file system call doing `doing` on `file`) as an OutputError, or `err` itself when it is no file system error. */
export function outputErrorFrom(err: unknown, doing: string, file: string): unknown {
  if (err instanceof OutputError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return err;
  const at = `${file}: ${doing} failed`;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new OutputError(`${at}: permission denied (${code}); make that directory writable for this user, or point BULKHEAD_OUT at a directory that is`);
    case 'EROFS':
      return new OutputError(`${at}: the file system is read-only (EROFS); point BULKHEAD_OUT at a writable directory`);
    case 'EBUSY':
      return new OutputError(`${at}: the path is busy or a mount point (EBUSY), which cannot be replaced by a rename; point BULKHEAD_OUT at a directory inside it, or unmount it`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new OutputError(`${at}: no space left on the device (${code}); free some space and run synth again`);
    case 'ENOTEMPTY':
    case 'EEXIST':
      return new OutputError(`${at}: something else created it meanwhile (${code}); make sure nothing but bulkhead writes there and run synth again`);
    case 'ENOTDIR':
      return new OutputError(`${at}: a part of the path is a file, not a directory (ENOTDIR); point BULKHEAD_OUT at a directory`);
    case 'EXDEV':
      return new OutputError(`${at}: the scratch directory and the output are on different file systems (EXDEV); point BULKHEAD_OUT at a plain directory, not a mount point`);
    case 'ENAMETOOLONG':
    case 'ELOOP':
      return new OutputError(`${at}: the path is too long or loops through symbolic links (${code}); use a shorter, plain path`);
    case 'EMFILE':
    case 'ENFILE':
    case 'ENOMEM':
      return new OutputError(`${at}: the system is out of resources (${code}); close other programs and run synth again`);
    default:
      return new OutputError(`${at} (${code}: ${(err as Error).message})`);
  }
}

/** Runs `fn`, turning a file system error into an OutputError about `file`. */
export function onFile<T>(doing: string, file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw outputErrorFrom(err, doing, file);
  }
}
