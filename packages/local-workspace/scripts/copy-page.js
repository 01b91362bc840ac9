// tsc does not copy the page's own files; this puts them beside the compiled routes after every build.
const fs = require('fs');
const path = require('path');
const from = path.join(__dirname, '..', 'src', 'page');
const to = path.join(__dirname, '..', 'dist', 'page');
fs.mkdirSync(to, { recursive: true });
for (const file of ['index.html', 'app.js', 'app.css'])
  fs.copyFileSync(path.join(from, file), path.join(to, file));
