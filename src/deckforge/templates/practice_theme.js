/* deckforge practice pages: light or dark (the system's, or ?theme=dark|light), kept on links
   marked data-keep-theme. Shared by the index and each exam's page. */
(function () {
  var params = new URLSearchParams(location.search), toggle = document.getElementById('px-theme');
  var dark = params.get('theme') === 'dark' || (params.get('theme') !== 'light'
    && window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches);
  function theme() {
    document.body.classList.toggle('px-dark', dark);
    toggle.textContent = dark ? 'Light mode' : 'Dark mode';
    document.querySelectorAll('a[data-keep-theme]').forEach(function (a) {
      var u = new URL(a.getAttribute('href'), location.href);
      u.searchParams.set('theme', dark ? 'dark' : 'light');
      a.href = u.href;
    });
  }
  toggle.addEventListener('click', function () { dark = !dark; theme(); });
  theme();
})();
