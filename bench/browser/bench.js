// Runs in the page: times gpu.js products C = A·Bᵀ (the kernel @spec/backend-gpujs uses, one tile)
// per mode and size, checks each result with a float64 probe vector, and exposes the results as
// window.benchResults for bench/browser/run.ts. Not a test: numbers only.
window.addEventListener('load', function () {
  setTimeout(run, 0);
});
function run() {
  'use strict';
  var DOT =
    'function (a, b) { let s = 0; for (let k = 0; k < this.constants.K; k++) { s += a[this.thread.y * this.constants.K + k] * b[this.thread.x * this.constants.K + k]; } return s; }';
  var params = new URLSearchParams(location.search);
  var sizes = (params.get('sizes') || '256,512,1024').split(',').map(Number);
  var modes = (params.get('modes') || 'webgl2,webgl,webasm,cpu').split(',');
  var repeats = Number(params.get('repeats') || 3);

  function randomArray(n, seed) {
    var s = seed >>> 0,
      out = new Float32Array(n);
    for (var i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out[i] = s / 4294967296 - 0.5;
    }
    return out;
  }

  // relative probe error: |C x − A (Bᵀ x)| / (|A| (|B|ᵀ |x|)), max over rows
  function probeError(rows, a, b, n) {
    var x = randomArray(n, 99),
      y = new Float64Array(n),
      ya = new Float64Array(n),
      worst = 0;
    for (var j = 0; j < n; j++)
      for (var k = 0; k < n; k++) {
        y[k] += b[j * n + k] * x[j];
        ya[k] += Math.abs(b[j * n + k] * x[j]);
      }
    for (var i = 0; i < n; i++) {
      var want = 0,
        bound = 0,
        got = 0;
      for (var q = 0; q < n; q++) {
        want += a[i * n + q] * y[q];
        bound += Math.abs(a[i * n + q]) * ya[q];
      }
      for (var c = 0; c < n; c++) got += rows[i][c] * x[c];
      worst = Math.max(worst, Math.abs(got - want) / bound);
    }
    return worst;
  }

  var results = [];
  var log = document.getElementById('log');
  log.textContent = '';
  modes.forEach(function (mode) {
    var gpu;
    try {
      gpu = new GPU({ mode: mode });
    } catch (e) {
      results.push({ mode: mode, error: String((e && e.message) || e) });
      return;
    }
    sizes.forEach(function (n) {
      if (mode === 'cpu' && n > 512) return; // gpu.js cpu mode is interpreted JS: too slow to be interesting
      try {
        var a = randomArray(n * n, 1),
          b = randomArray(n * n, 2);
        var kernel = gpu.createKernel(DOT, {
          output: [n, n],
          constants: { K: n },
          loopMaxIterations: n,
          precision: 'single',
        });
        var t0 = performance.now();
        var out = kernel(a, b);
        var firstMs = performance.now() - t0;
        var times = [];
        for (var r = 0; r < repeats; r++) {
          t0 = performance.now();
          out = kernel(a, b);
          times.push(performance.now() - t0);
        }
        times.sort(function (p, q) {
          return p - q;
        });
        var ran = kernel.kernel && kernel.kernel.constructor && kernel.kernel.constructor.mode;
        var row = {
          mode: mode,
          ran: ran || mode,
          n: n,
          firstMs: firstMs,
          medianMs: times[Math.floor(times.length / 2)],
          probe: probeError(out, a, b, n),
        };
        results.push(row);
        log.textContent += JSON.stringify(row) + '\n';
        if (kernel.destroy) kernel.destroy();
      } catch (e) {
        results.push({ mode: mode, n: n, error: String((e && e.message) || e) });
      }
    });
  });
  window.benchResults = results;
}
