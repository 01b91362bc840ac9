import bmp from 'bmp-js';
import { PNG } from 'pngjs';

/**
 * Azure stores the boot screenshot as a BMP, which Slack does not preview; a PNG shows inline in the
 * thread. Null when the bytes are not a BMP we can read (the upload is then skipped, not failed).
 */
export function screenshotAsPng(bytes: Buffer): Buffer | null {
  try {
    const image = bmp.decode(bytes);
    const png = new PNG({ width: image.width, height: image.height });
    // bmp-js decodes to ABGR byte order; PNG wants RGBA.
    for (let i = 0; i < image.data.length; i += 4) {
      png.data[i] = image.data[i + 3];
      png.data[i + 1] = image.data[i + 2];
      png.data[i + 2] = image.data[i + 1];
      png.data[i + 3] = 255;
    }
    return PNG.sync.write(png);
  } catch {
    return null;
  }
}
