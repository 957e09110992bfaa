import { mkdir } from 'node:fs/promises';
import { readImageFile, writeImageFile } from '../../node/io.js';
import { choice, int, optStr, type Parsed } from '../args.js';
import type { CliContext, Command } from '../command.js';
import { expandInputs, outputPaths } from '../files.js';
import { MODEL_OPTIONS, modelFromArgs } from '../model_options.js';

export const upscale: Command = {
  name: 'upscale',
  summary: 'upscale images with SRCNN (bicubic pre-upscale, Y through the network, chroma bicubic)',
  usage: 'srcnn-ts upscale <in...> [-o out|dir] --scale N [--weights file] [options]',
  options: {
    out: { type: 'string', short: 'o', arg: 'path', help: 'output file (one input) or directory; default: beside each input as <name>_x<N>.<ext>' },
    scale: { type: 'string', short: 's', arg: 'n', help: 'upscaling factor (2, 3 or 4 with the shipped weights)', default: '3' },
    resize: { type: 'string', arg: 'method', help: 'pre-upscaling: matlab | opencv-cubic', default: 'matlab' },
    format: { type: 'string', arg: 'fmt', help: 'output format png | bmp (default: from the output file name, else the input format)' },
    ...MODEL_OPTIONS,
  },
  async run(p: Parsed, ctx: CliContext) {
    const scale = int(p, 'scale', 3, 1, 16);
    const resize = choice(p, 'resize', ['matlab', 'opencv-cubic'] as const, 'matlab');
    const fmt = optStr(p, 'format');
    const format = fmt === undefined ? undefined : choice(p, 'format', ['png', 'bmp'] as const, 'png');
    const inputs = expandInputs(p.positionals);
    const { paths, dir } = outputPaths(inputs, optStr(p, 'out'), `_x${scale}`, format);
    if (dir !== null) await mkdir(dir, { recursive: true });
    const model = await modelFromArgs(p, scale);
    const bar = ctx.progress('upscale');
    const results: Array<{ input: string; output: string; width: number; height: number; ms: number }> = [];
    try {
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i]!;
        const output = paths[i]!;
        const t0 = performance.now();
        const img = await readImageFile(input);
        const hr = await model.upscale(img, {
          scale,
          resize,
          signal: ctx.signal,
          onProgress: (done, total) => bar.update(i * total + done, inputs.length * total, input),
        });
        await writeImageFile(output, hr, { protect: inputs, ...(format ? { format } : {}) });
        const ms = performance.now() - t0;
        results.push({ input, output, width: hr.width, height: hr.height, ms });
        bar.log(`${input} -> ${output} (${hr.width}x${hr.height}, ${(ms / 1000).toFixed(2)} s)`);
      }
    } finally {
      bar.end();
      model.dispose();
    }
    if (ctx.json) ctx.print(JSON.stringify({ scale, results }));
  },
};
