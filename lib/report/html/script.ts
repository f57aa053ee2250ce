/**
 * The only script of the HTML report: the filter box, expand/collapse all, and opening every section for print.
 * Written for thousands of entries: the texts are read once, a keystroke only flips `hidden`/`open` and a few
 * counters (writes, never layout reads, so no forced reflow), batched per animation frame.
 * The page's Content-Security-Policy allows exactly this script by its hash. Without script (blocked, or printed) the
 * toolbar is hidden and the sections work as plain <details>.
 */
export const REPORT_SCRIPT = `
(function () {
  document.documentElement.className += ' js';
  var input = document.getElementById('filter');
  if (!input) return;
  var items = Array.prototype.slice.call(document.querySelectorAll('[data-item]'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('details.group'));
  var groupOf = items.map(function (item) { return groups.indexOf(item.closest('details.group')); });
  var initiallyOpen = groups.map(function (group) { return group.open; });
  var shown = document.getElementById('shown');
  var texts = null;
  var frame = 0;
  function apply() {
    frame = 0;
    if (!texts) texts = items.map(function (item) { return item.textContent.toLowerCase(); });
    var terms = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var perGroup = groups.map(function () { return 0; });
    var visible = 0;
    for (var i = 0; i < items.length; i++) {
      var match = terms.every(function (term) { return texts[i].indexOf(term) >= 0; });
      if (items[i].hidden === match) items[i].hidden = !match;
      if (match) { visible++; if (groupOf[i] >= 0) perGroup[groupOf[i]]++; }
    }
    groups.forEach(function (group, index) {
      var total = Number(group.getAttribute('data-total') || 0);
      var count = group.querySelector('.count');
      var filtered = terms.length > 0;
      group.hidden = filtered && total > 0 && perGroup[index] === 0;
      group.open = filtered ? perGroup[index] > 0 : initiallyOpen[index];
      if (count) count.textContent = filtered ? perGroup[index] + ' of ' + total : count.getAttribute('data-label');
    });
    if (shown) shown.textContent = terms.length === 0 ? items.length + ' items' : visible === 0 ? 'nothing matches all of: ' + terms.join(' ') : visible + ' of ' + items.length + ' shown';
  }
  input.addEventListener('input', function () { if (!frame) frame = requestAnimationFrame(apply); });
  // report.html#filter=payments opens already filtered: a link can point at one namespace or object.
  var initial = /^#filter=(.*)$/.exec(location.hash);
  if (initial) { input.value = decodeURIComponent(initial[1]); apply(); }
  function setAll(open) { groups.forEach(function (group) { group.open = open; }); }
  var expand = document.getElementById('expand-all');
  var collapse = document.getElementById('collapse-all');
  if (expand) expand.addEventListener('click', function () { setAll(true); });
  if (collapse) collapse.addEventListener('click', function () { setAll(false); });
  var beforePrint = null;
  window.addEventListener('beforeprint', function () { beforePrint = groups.map(function (group) { return group.open; }); setAll(true); });
  window.addEventListener('afterprint', function () { if (beforePrint) groups.forEach(function (group, index) { group.open = beforePrint[index]; }); });
})();
`;
