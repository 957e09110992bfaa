import { expect } from 'chai';
import { ValueError } from '../../../lib/errors.js';
import { decodeImage } from '../../../lib/image/codec.js';
import { crop } from '../../../lib/image/crop.js';
import { createImage, type Channels, type Image } from '../../../lib/image/image.js';
import { encodePng } from '../../../lib/image/png_encode.js';
import type { ModelEvaluation } from '../../../lib/pipeline/evaluate_model.js';
import { bytesToBase64 } from '../../../lib/util/base64.js';
import { HtmlReport } from '../../../lib/report/html.js';
import { highestDetailWindow } from '../../../lib/report/zoom.js';
import { externalImports } from '../../helpers/imports.js';

function noise(w: number, h: number, channels: Channels, seed: number, amp = 255): Image {
  const img = createImage(w, h, channels);
  let s = seed >>> 0;
  for (let i = 0; i < img.data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    img.data[i] = 128 + Math.floor(((s >>> 24) / 256 - 0.5) * amp);
  }
  return img;
}

function evaluation(w: number, h: number, seed: number, scores: [number, number, number, number, number, number]): ModelEvaluation {
  const [bp, bs, bm, sp, ss, sm] = scores;
  return {
    bicubic: { psnr: bp, ssim: bs, mse: bm },
    srcnn: { psnr: sp, ssim: ss, mse: sm },
    images: { original: noise(w, h, 3, seed), degraded: noise(w, h, 3, seed + 1, 60), output: noise(w, h, 3, seed + 2, 120) },
  };
}

/** The decoded picture of every `<img src="data:image/png;base64,...">`, in page order. */
function pictures(html: string): Image[] {
  return [...html.matchAll(/<img\b[^>]*\bsrc="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g)].map((m) => decodeImage(new Uint8Array(Buffer.from(m[1]!, 'base64'))));
}

describe('report/html', () => {
  const a = evaluation(40, 30, 1, [30.1234, 0.86821, 88.627, 32.74876, 0.90902, 43.474]);
  const b = evaluation(24, 36, 7, [26.5, 0.70001, 140.25, 28.25, 0.75, 96.5]);

  function build(): { html: string; report: HtmlReport } {
    const report = new HtmlReport({ protocol: 'paper', scale: 3, weights: 'w/srcnn <x3>.json' }, { encodePng });
    report.add('first.png', a);
    report.add('a <b>&"c\'.bmp', b);
    return { html: report.render(), report };
  }

  it('is one self-contained page: every picture a PNG data: URI, no URL, script, link or external CSS', () => {
    const { html, report } = build();
    expect(report.count).to.equal(2);
    expect(html.startsWith('<!DOCTYPE html>')).to.equal(true);
    expect(html).to.match(/<\/html>\s*$/);
    const srcs = [...html.matchAll(/\bsrc="([^"]*)"/g)].map((m) => m[1]!);
    expect(srcs).to.have.length(12); // 2 images x 3 pictures x (full + detail)
    for (const s of srcs) expect(s.startsWith('data:image/png;base64,')).to.equal(true);
    for (const m of html.matchAll(/\bhref="([^"]*)"/g)) expect(m[1]).to.match(/^#image-\d+$/);
    const text = html.replace(/data:image\/png;base64,[A-Za-z0-9+/=]+/g, 'data:');
    expect(text).not.to.match(/https?:|\/\/[a-z]|<script|<link|@import|url\(/i);
    expect(html).to.include('image-rendering: pixelated');
  });

  it('embeds the pictures losslessly, with the detail window cut from each', () => {
    const { html } = build();
    const pics = pictures(html);
    const full = [a.images!.original, a.images!.degraded, a.images!.output];
    const roi = highestDetailWindow(a.images!.original, 15); // at most half the short side of 40x30
    for (let i = 0; i < 3; i++) {
      expect(pics[2 * i], `picture ${i}`).to.deep.equal(full[i]);
      expect(pics[2 * i + 1], `detail ${i}`).to.deep.equal(crop(full[i]!, roi.x, roi.y, roi.width, roi.height));
    }
    expect(html).to.include(`width="${roi.width * 4}" height="${roi.height * 4}"`);
    expect(html).to.include(`detail 15&times;15 at (${roi.x}, ${roi.y}) shown &times;4`);
  });

  it('shows every score, the mean table and the PSNR gains', () => {
    const { html } = build();
    for (const s of ['30.1234', '0.86821', '88.63', '32.7488', '0.90902', '43.47', '26.5000', '0.70001', '140.25', '28.2500', '96.50']) expect(html, s).to.include(`<td>${s}</td>`);
    expect(html).to.include('+2.6254'); // 32.74876 - 30.1234
    expect(html).to.include('+1.7500');
    // Means: PSNR (30.1234 + 26.5) / 2 and (32.74876 + 28.25) / 2, gain their difference.
    expect(html).to.match(/Mean of 2<\/td><td>28\.3117<\/td><td>0\.78411<\/td><td>114\.44<\/td><td>30\.4994<\/td><td>0\.82951<\/td><td>69\.99<\/td><td class="up">\+2\.1877<\/td>/);
    // Under the pictures: PSNR to 2 decimals with the gain, SSIM to 4, MSE to 2.
    expect(html).to.include('<dd>32.75 dB <span class="up">(+2.63)</span></dd>');
    expect(html).to.include('<dd>0.9090</dd>');
    expect(html).to.include('Bicubic');
    expect(html).to.include('3 px border shaved');
  });

  it('escapes names and labels', () => {
    const { html } = build();
    expect(html).to.include('a &#60;b&#62;&#38;&#34;c&#39;.bmp');
    expect(html).to.include('w/srcnn &#60;x3&#62;.json');
    expect(html).not.to.include('<b>&');
  });

  it('labels the tutorial protocol and its modcrop; shows infinite PSNR and losses', () => {
    const r = new HtmlReport({ protocol: 'tutorial', scale: 2, weights: 'k.h5', tutorialModcrop: true }, { encodePng, zoom: 3, window: 8 });
    r.add('same.png', evaluation(20, 20, 3, [Infinity, 1, 0, 30, 0.9, 2]));
    const html = r.render();
    expect(html).to.include('Degraded (bilinear)');
    expect(html).to.include("modcrop(img, 3)");
    expect(html).to.include('<td>&infin;</td>');
    expect(html).to.include('class="down">&minus;&infin;');
    expect(html).to.include('shown &times;3');
  });

  it('needs the pictures, of one size', () => {
    const r = new HtmlReport({ protocol: 'paper', scale: 2, weights: 'w' }, { encodePng });
    expect(() => r.add('x', { bicubic: a.bicubic, srcnn: a.srcnn })).to.throw(ValueError, /keepImages/);
    expect(() => r.add('y', { ...a, images: { ...a.images!, output: noise(10, 10, 3, 1) } })).to.throw(ValueError, /one size/);
    expect(() => new HtmlReport({ protocol: 'paper', scale: 2, weights: 'w' }, { encodePng, zoom: 0 })).to.throw(ValueError);
  });

  it('lib/report and evaluateModel are browser-safe: no Node built-in or package in their import graphs', () => {
    expect([...externalImports('lib/report/index.ts').keys()]).to.deep.equal([]);
    expect([...externalImports('lib/pipeline/evaluate_model.ts').keys()]).to.deep.equal([]);
  });
});

describe('report/zoom: highestDetailWindow', () => {
  it('finds a textured patch on a flat picture, and a fine texture before a single strong edge', () => {
    const img = createImage(60, 50, 3);
    img.data.fill(90);
    for (let y = 0; y < 50; y++) for (let x = 30; x < 60; x++) for (let c = 0; c < 3; c++) img.data[(y * 60 + x) * 3 + c] = 250; // one big edge at x = 30
    for (let y = 31; y < 43; y++) for (let x = 5; x < 17; x++) for (let c = 0; c < 3; c++) img.data[(y * 60 + x) * 3 + c] = (x + y) % 2 ? 40 : 140; // checkerboard
    expect(highestDetailWindow(img, 12)).to.deep.equal({ x: 5, y: 31, width: 12, height: 12 });
  });

  it('clamps the window to the picture; ties go to the first position; bad sizes throw', () => {
    const flat = createImage(7, 5, 1);
    expect(highestDetailWindow(flat, 20)).to.deep.equal({ x: 0, y: 0, width: 7, height: 5 });
    expect(highestDetailWindow(flat, 3)).to.deep.equal({ x: 0, y: 0, width: 3, height: 3 });
    expect(() => highestDetailWindow(flat, 0)).to.throw(ValueError);
    expect(() => highestDetailWindow(flat, 2.5)).to.throw(ValueError);
  });

  it('matches a brute-force search', () => {
    const img = noise(23, 19, 3, 11);
    const y = Array.from({ length: 23 * 19 }, (_, i) => (4899 * img.data[3 * i]! + 9617 * img.data[3 * i + 1]! + 1868 * img.data[3 * i + 2]! + 8192) >> 14);
    const energy = (x0: number, y0: number, s: number): number => {
      let e = 0;
      for (let r = y0; r < y0 + s; r++) {
        for (let c = x0; c < x0 + s; c++) {
          const v = y[r * 23 + c]!;
          if (c + 1 < 23) e += (y[r * 23 + c + 1]! - v) ** 2;
          if (r + 1 < 19) e += (y[(r + 1) * 23 + c]! - v) ** 2;
        }
      }
      return e;
    };
    let best = -1, at = { x: 0, y: 0 };
    for (let r = 0; r + 6 <= 19; r++) for (let c = 0; c + 6 <= 23; c++) if (energy(c, r, 6) > best) [best, at] = [energy(c, r, 6), { x: c, y: r }];
    expect(highestDetailWindow(img, 6)).to.deep.equal({ ...at, width: 6, height: 6 });
  });
});

describe('report/base64', () => {
  it('equals Node\'s base64 for every length 0..70 and a large buffer', () => {
    for (let n = 0; n <= 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n * 11) & 255);
      expect(bytesToBase64(bytes), `length ${n}`).to.equal(Buffer.from(bytes).toString('base64'));
    }
    const big = noise(300, 250, 3, 5).data; // crosses the internal chunk size
    expect(bytesToBase64(big)).to.equal(Buffer.from(big).toString('base64'));
  });
});
