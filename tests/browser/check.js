// Injected into a copy of `aeo why --format html` by tests/browser/check.sh:
// after layout, every element must fit inside its parent box and the page
// inside the window, horizontally; and every record but the last must end
// its printed page (break-after: page).  The verdict is written into the
// page as a pre element with id overflow-check, which `chromium --dump-dom`
// prints.
(function () {
  var bad = [];
  function name(e) {
    var s = e.tagName.toLowerCase();
    if (e.className) s += '.' + String(e.className).replace(/ /g, '.');
    var t = (e.textContent || '').replace(/\s+/g, ' ').slice(0, 40);
    return s + ' "' + t + '"';
  }
  var root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) bad.push('page ' + root.scrollWidth + 'px > window ' + root.clientWidth + 'px');
  var all = document.body.getElementsByTagName('*');
  for (var i = 0; i < all.length; i++) {
    var e = all[i];
    var style = getComputedStyle(e);
    if (style.display !== 'inline' && e.scrollWidth > e.clientWidth + 1)
      bad.push(name(e) + ' content ' + e.scrollWidth + 'px > box ' + e.clientWidth + 'px');
    var p = e.parentElement;
    if (!p || p === root) continue;
    var r = e.getBoundingClientRect(), q = p.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > q.right + 1 || r.left < q.left - 1)
      bad.push(name(e) + ' [' + Math.round(r.left) + ',' + Math.round(r.right) + '] outside ' + name(p) +
               ' [' + Math.round(q.left) + ',' + Math.round(q.right) + ']');
  }
  var sections = document.querySelectorAll('section.record');
  for (var k = 0; k + 1 < sections.length; k++) {
    var ba = getComputedStyle(sections[k]).breakAfter;
    if (ba !== 'page') bad.push('record ' + (k + 1) + ' does not end its page (break-after: ' + ba + ')');
  }
  var out = document.createElement('pre');
  out.id = 'overflow-check';
  out.textContent = bad.length ? 'OVERFLOW ' + bad.length + ': ' + bad.slice(0, 5).join('; ')
                               : 'NO-OVERFLOW sections=' + document.querySelectorAll('section.record').length;
  document.body.appendChild(out);
})();
