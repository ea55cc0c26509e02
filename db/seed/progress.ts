/** A one-line text progress bar for the generator's `onProgress(stage, done, total)`. */
import type { ProgressFn } from './generate';

export function progressBar(out: NodeJS.WriteStream, width = 30): ProgressFn {
  let last = '';
  return (stage, done, total) => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * width);
    const line = `${stage.padEnd(8, '　')} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.round(ratio * 100)}%`;
    if (line === last) return;
    last = line;
    if (out.isTTY) out.write(`\r${line}${ratio === 1 ? '\n' : ''}`);
    else if (ratio === 1) out.write(`${line}\n`);
  };
}
