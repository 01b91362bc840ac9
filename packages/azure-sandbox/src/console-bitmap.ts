// The boot diagnostics screenshot: a small 24-bit BMP, as the platform stores it. A sign-in screen is a dark
// background with a lighter sign-in panel; a boot failure is the blue stop screen with lines of text.

const WIDTH = 160;
const HEIGHT = 120;

type Rgb = [number, number, number];

function bitmap(pixel: (x: number, y: number) => Rgb): Buffer {
  const rowBytes = WIDTH * 3;
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'ascii');
  header.writeUInt32LE(54 + rowBytes * HEIGHT, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(WIDTH, 18);
  header.writeInt32LE(HEIGHT, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(rowBytes * HEIGHT, 34);
  header.writeInt32LE(2835, 38);
  header.writeInt32LE(2835, 42);
  const pixels = Buffer.alloc(rowBytes * HEIGHT);
  for (let row = 0; row < HEIGHT; row++) {
    const y = HEIGHT - 1 - row; // BMP rows run bottom-up
    for (let x = 0; x < WIDTH; x++) {
      const [r, g, b] = pixel(x, y);
      pixels.writeUInt8(b, row * rowBytes + x * 3);
      pixels.writeUInt8(g, row * rowBytes + x * 3 + 1);
      pixels.writeUInt8(r, row * rowBytes + x * 3 + 2);
    }
  }
  return Buffer.concat([header, pixels]);
}

const signIn = bitmap((x, y) => (x > 50 && x < 110 && y > 40 && y < 85 ? [60, 90, 130] : [12, 30, 54]));
const stopScreen = bitmap((x, y) =>
  x > 16 && x < 140 && y % 14 < 3 && y > 30 && y < 100 ? [230, 230, 240] : [16, 100, 180],
);

export function consoleBitmap(screen: 'sign-in' | 'boot-failure'): Buffer {
  return screen === 'sign-in' ? signIn : stopScreen;
}
