/**
 * A file-system error in words an operator reads at start-up: what went
 * wrong, never a stack or a file's contents. The caller names the file.
 */

/**
 * @example
 * fsReason(Object.assign(new Error('x'), { code: 'ENOENT' })) // 'no such file or directory'
 */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EEXIST':
      return 'exists and is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return (error as Error).message;
  }
}
