import { mkdir } from 'node:fs/promises';
import { AbortError } from '../../errors.js';
import { modcrop, modcropTutorial } from '../../image/crop.js';
import { degrade as degradeImage, type DegradeInterpolation } from '../../image/degrade.js';
import { readImageFile, writeImageFile } from '../../node/io.js';
import { choice, flag, int, optStr, type Parsed } from '../args.js';
import type { CliContext, Command } from '../command.js';
import { expandInputs, outputPaths } from '../files.js';

const INTERPOLATIONS: readonly DegradeInterpolation[] = ['linear', 'cubic', 'area', 'nearest', 'matlab'];

export const degrade: Command = {
  name: 'degrade',
  summary: "the tutorial's prepare_images: shrink by the factor and resize back (OpenCV or MATLAB kernels)",
  usage: 'srcnn-ts degrade <in...> [-o out|dir] --scale N [--interpolation linear]',
  options: {
    out: { type: 'string', short: 'o', arg: 'path', help: 'output file (one input) or directory; default: beside each input as <name>_degraded_x<N>.<ext>' },
    scale: { type: 'string', short: 's', arg: 'n', help: 'degradation factor', default: '2' },
    interpolation: { type: 'string', arg: 'name', help: `${INTERPOLATIONS.join(' | ')} (OpenCV cv2.resize, or MATLAB imresize bicubic)`, default: 'linear' },
    modcrop: { type: 'boolean', help: 'crop to a multiple of the factor first (demo_SR.m modcrop)' },
    'tutorial-modcrop': { type: 'boolean', help: "crop as the tutorial's buggy modcrop(img, 3): also drops column 0" },
    format: { type: 'string', arg: 'fmt', help: 'output format png | bmp (default: from the output name, else the input format)' },
  },
  async run(p: Parsed, ctx: CliContext) {
    const scale = int(p, 'scale', 2, 1, 64);
    const interp = choice(p, 'interpolation', INTERPOLATIONS, 'linear');
    const fmt = optStr(p, 'format');
    const format = fmt === undefined ? undefined : choice(p, 'format', ['png', 'bmp'] as const, 'png');
    const inputs = expandInputs(p.positionals);
    const { paths, dir } = outputPaths(inputs, optStr(p, 'out'), `_degraded_x${scale}`, format);
    if (dir !== null) await mkdir(dir, { recursive: true });
    const results: Array<{ input: string; output: string; width: number; height: number }> = [];
    for (let i = 0; i < inputs.length; i++) {
      if (ctx.signal.aborted) throw new AbortError();
      let img = await readImageFile(inputs[i]!);
      if (flag(p, 'tutorial-modcrop')) img = modcropTutorial(img, 3);
      else if (flag(p, 'modcrop')) img = modcrop(img, scale);
      const out = degradeImage(img, scale, interp);
      await writeImageFile(paths[i]!, out, { protect: inputs, ...(format ? { format } : {}) });
      results.push({ input: inputs[i]!, output: paths[i]!, width: out.width, height: out.height });
      ctx.info(`${inputs[i]} -> ${paths[i]} (${out.width}x${out.height})`);
    }
    if (ctx.json) ctx.print(JSON.stringify({ scale, interpolation: interp, results }));
  },
};
