// Why a file system call failed, in words, for messages about files (no
// dependencies: loaded by the build before it knows it has work to do).

/** An I/O error in words, without Node's error code and absolute path. */
export function ioReason(e: unknown): string {
  const { code, message } = e as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENOENT: "no such file or directory",
    ENOTDIR: "a component of the path is not a directory",
    EISDIR: "is a directory",
    ELOOP: "symbolic link loop",
    EIO: "input/output error",
    EMFILE: "too many open files",
    ENFILE: "too many open files",
    ENAMETOOLONG: "file name too long",
  };
  return (code && reasons[code]) ?? message;
}
