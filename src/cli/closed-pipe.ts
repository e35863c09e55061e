/**
 * A reader that stops early (`sika exceptions list | head`) closes the pipe under stdout. The
 * rest of the output has nowhere to go, but the command's work (a load, a resolution) must still
 * finish: further output is dropped, no stack trace is printed and the exit code is the command's.
 */
export function dropOutputOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    stream.write = (() => true) as typeof stream.write;
  });
}
