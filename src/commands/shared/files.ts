// Why a file could not be read or written, in words (the errno code alone names
// neither the file the user gave nor what to change).
const REASONS: Record<string, string> = {
  ENOTDIR: "a part of its path is a file",
  EISDIR: "it is a directory",
  ENOENT: "a directory on its path does not exist",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
};

export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  return (code && REASONS[code]) || (error instanceof Error ? error.message : String(error));
}
