'use strict';

// userimport ui: the page. One flow in seven steps (docs/ui.md); the JSON calls it makes
// are listed there too. Everything that comes from the server is put on the page with
// textContent, never as HTML. All the page's state is in the one object `state`.
(function () {

  const STEPS = ['file', 'read', 'check', 'connect', 'preview', 'import', 'results'];
  const PAGE_SIZE = 50;
  const PING_EVERY = 20000;
  const POLL_EVERY = 500;

  const state = {
    lang: 'ru',
    platforms: [],
    platform: '',
    reading: null,
    check: null,
    preview: null,
    step: 'file',
    reached: 0, // the furthest step reached, as an index of STEPS
    connected: false,
    credentialsFor: '', // the platform the credential inputs were made for
    grids: {}, // by set: {page, total, headers, rows, selected}
    importing: false,
    stopAsked: false, // Stop was pressed: the run's end is no surprise
    pollTimer: 0,
  };

  // ---------------------------------------------------------------------------
  // Words. Every string of the page, in English and Russian: [en, ru]; a function
  // takes the numbers or names it needs.

  function plEn(n, one, other) { return n === 1 ? one : other; }
  function plRu(n, one, few, many) {
    const d = n % 10, h = n % 100;
    if (d === 1 && h !== 11) return one;
    if (d >= 2 && d <= 4 && (h < 12 || h > 14)) return few;
    return many;
  }
  function fmt(n) {
    return new Intl.NumberFormat(state.lang === 'ru' ? 'ru-RU' : 'en-US').format(n);
  }
  function accountsEn(n) { return plEn(n, 'account', 'accounts'); }
  function accountsRu(n) { return plRu(n, 'учётную запись', 'учётные записи', 'учётных записей'); }

  const WORDS = {
    'lang': ['Language', 'Язык'],
    'busy': ['Working…', 'Минутку…'],
    'back': ['← Back', '← Назад'],
    'step.file': ['File', 'Файл'],
    'step.read': ['Columns', 'Столбцы'],
    'step.check': ['Check', 'Проверка'],
    'step.connect': ['Connect', 'Подключение'],
    'step.preview': ['Preview', 'Предпросмотр'],
    'step.import': ['Import', 'Загрузка'],
    'step.results': ['Results', 'Итоги'],

    'file.title': ['Choose the file with the people', 'Выберите файл со списком сотрудников'],
    'file.lead': ['An Excel workbook or a CSV file exported from your HR system. It stays on this computer: nothing is sent anywhere until you press the import button at the end.',
      'Книга Excel или файл CSV из кадровой системы. Файл остаётся на этом компьютере: ничего никуда не отправляется, пока вы сами не нажмёте кнопку загрузки в конце.'],
    'file.drop': ['Drag the file here', 'Перетащите файл сюда'],
    'file.or': ['or', 'или'],
    'file.pick': ['Choose a file…', 'Выберите файл…'],
    'file.kinds': ['.xlsx, .csv, .txt, .tsv', '.xlsx, .csv, .txt, .tsv'],
    'file.platform': ['Where the accounts go', 'Куда загружаем'],
    'file.next': ['Next: the columns →', 'Далее: столбцы →'],
    'file.current': [(n) => 'Open now: ' + n + '. Choose another file to start again.',
      (n) => 'Сейчас открыт: ' + n + '. Выберите другой файл, чтобы начать заново.'],

    'read.title': ['How the file was read', 'Как прочитан файл'],
    'read.sheet': ['Sheet', 'Лист'],
    'read.encoding': ['Encoding', 'Кодировка'],
    'read.auto': ['automatic', 'автоматически'],
    'read.samples': ['The first rows, as they were read', 'Первые строки, как они прочитаны'],
    'read.mapping': ['Which column is which', 'Какой столбец что означает'],
    'read.mapping.note': ['Fields marked * are required. Choose “— skip —” for a column that should not be sent.',
      'Поля со звёздочкой * обязательны. Выберите «— не загружать —» для столбца, который не нужно отправлять.'],
    'read.col.column': ['Column in the file', 'Столбец в файле'],
    'read.col.example': ['Example', 'Пример'],
    'read.col.field': ['Goes to', 'Куда попадает'],
    'read.skip': ['— skip —', '— не загружать —'],
    'read.sets': ['Values for fields without a column', 'Значения для полей без столбца'],
    'read.sets.note': ['Every row gets this value (an empty box leaves the field empty).',
      'Это значение получит каждая строка (пустое поле — значение не задаётся).'],
    'read.missing': ['Before the check, give each of these a column or a value:', 'Перед проверкой укажите для каждого из этих полей столбец или значение:'],
    'read.next': ['Next: check the rows →', 'Далее: проверить строки →'],
    'read.profile': ['Save these settings for next time', 'Сохранить эти настройки на будущее'],
    'read.profile.note': ['The platform, the columns and the values are saved under a name; the command line uses them with --profile NAME.',
      'Платформа, столбцы и значения сохраняются под именем; в командной строке их можно взять с --profile ИМЯ.'],
    'read.profile.save': ['Save', 'Сохранить'],
    'read.profile.saved': [(p, n) => 'Saved in ' + p + '. On the command line: --profile ' + n,
      (p, n) => 'Сохранено в ' + p + '. В командной строке: --profile ' + n],
    'read.profile.name': ['Give the settings a name first.', 'Сначала дайте настройкам имя.'],
    'read.header': [(n) => 'header on row ' + n, (n) => 'заголовок в строке ' + n],
    'read.sheetname': [(s) => 'sheet “' + s + '”', (s) => 'лист «' + s + '»'],
    'read.rows': [(n) => fmt(n) + ' ' + plEn(n, 'row', 'rows'), (n) => fmt(n) + ' ' + plRu(n, 'строка', 'строки', 'строк')],
    'read.row': ['Row', 'Строка'],
    'field.full_name': ['Full name (last, first, middle)', 'ФИО (фамилия, имя, отчество)'],

    'check.title': ['Check the rows', 'Проверка строк'],
    'check.download': ['Download the corrected file', 'Скачать исправленный файл'],
    'check.again': ['Check again', 'Проверить ещё раз'],
    'check.next': ['Next: connect →', 'Далее: подключение →'],
    'check.invalidnote': [(n) => n + ' ' + plEn(n, 'row has', 'rows have') + ' errors: ' + plEn(n, 'it is', 'they are') + ' not sent. You can go on, or fix ' + plEn(n, 'it', 'them') + ' here first.',
      (n) => n + ' ' + plRu(n, 'строка с ошибками не будет отправлена', 'строки с ошибками не будут отправлены', 'строк с ошибками не будут отправлены') + '. Можно продолжить или сначала исправить их здесь.'],
    'check.allgood': ['Every row can be sent.', 'Все строки можно отправлять.'],
    'check.problem': [(n, r) => fmt(n) + ' ' + plEn(n, 'row', 'rows') + ', first in row ' + r,
      (n, r) => fmt(n) + ' ' + plRu(n, 'строка', 'строки', 'строк') + ', первая — строка ' + r],
    'check.fixed': [(n) => 'Fixed ' + fmt(n) + ' ' + plEn(n, 'row', 'rows') + '.', (n) => 'Исправлено: ' + fmt(n) + ' ' + plRu(n, 'строка', 'строки', 'строк') + '.'],

    'count.rows': ['rows', 'строк'],
    'count.valid': ['ready to send', 'готовы к отправке'],
    'count.invalid': ['with errors', 'с ошибками'],
    'count.warnings': ['with warnings', 'с предупреждениями'],
    'count.edited': ['edited here', 'исправлено здесь'],
    'count.created': ['created', 'создано'],
    'count.updated': ['updated', 'обновлено'],
    'count.unchanged': ['unchanged', 'без изменений'],
    'count.skipped': ['skipped', 'пропущено'],
    'count.donebefore': ['done by the run before', 'загружено в прошлый раз'],
    'count.failed': ['failed', 'не удалось'],
    'count.create': ['to create', 'будет создано'],
    'count.update': ['to update', 'будет обновлено'],
    'count.notsent': ['not sent (errors)', 'не отправляются (ошибки)'],

    'grid.show': ['Show', 'Показать'],
    'grid.hint': ['Double-click a cell to correct it; Enter saves.', 'Дважды щёлкните ячейку, чтобы исправить; Enter — сохранить.'],
    'grid.prev': ['← Previous', '← Назад'],
    'grid.next': ['Next →', 'Вперёд →'],
    'grid.range': [(a, b, n) => 'rows ' + fmt(a) + '–' + fmt(b) + ' of ' + fmt(n), (a, b, n) => 'строки ' + fmt(a) + '–' + fmt(b) + ' из ' + fmt(n)],
    'grid.none': ['No rows here.', 'Здесь строк нет.'],
    'grid.row': ['Row', 'Строка'],
    'grid.problems': ['What is wrong', 'Что не так'],
    'grid.status': ['Status', 'Состояние'],
    'grid.changes': ['Changes', 'Изменения'],
    'grid.failure': ['Why it failed', 'Почему не удалось'],
    'grid.rowissue': ['the row', 'строка'],
    'grid.cell': [(r, h) => 'Row ' + r + ', “' + h + '”', (r, h) => 'Строка ' + r + ', «' + h + '»'],
    'grid.cellok': ['Nothing wrong with this cell.', 'С этой ячейкой всё в порядке.'],
    'fix.all': [(n) => 'apply to all ' + fmt(n) + ' like it', (n) => 'исправить так все ' + fmt(n)],
    'filter.errors': ['rows with errors', 'строки с ошибками'],
    'filter.warnings': ['rows with warnings', 'строки с предупреждениями'],
    'filter.all': ['all rows', 'все строки'],
    'filter.create': ['to create', 'будут созданы'],
    'filter.update': ['to update', 'будут обновлены'],
    'filter.unchanged': ['unchanged', 'без изменений'],
    'filter.skipped': ['skipped', 'пропущены'],
    'filter.failed': ['failed', 'не удалось'],
    'filter.invalid': ['with errors, not sent', 'с ошибками, не отправлены'],

    'status.valid': ['fixed', 'исправлена'],
    'status.invalid': ['error', 'ошибка'],
    'status.warning': ['warning', 'предупреждение'],
    'status.create': ['create', 'создать'],
    'status.update': ['update', 'обновить'],
    'status.unchanged': ['unchanged', 'без изменений'],
    'status.skipped': ['skipped', 'пропущена'],
    'status.created': ['created', 'создана'],
    'status.updated': ['updated', 'обновлена'],
    'status.failed': ['failed', 'не удалось'],
    'plan.created': ['will be created', 'будет создана'],
    'plan.updated': ['will be updated', 'будет обновлена'],
    'plan.unchanged': ['unchanged', 'без изменений'],
    'plan.skipped': ['skipped', 'пропускается'],
    'plan.failed': ['cannot be sent', 'не отправить'],
    'plan.invalid': ['error', 'ошибка'],

    'connect.title': ['Connect to the platform', 'Подключение к платформе'],
    'connect.lead': ['The address of your platform and its access keys. Keys typed here are kept in memory for this run only and never written anywhere.',
      'Адрес вашей платформы и ключи доступа. Введённые здесь ключи хранятся только в памяти, пока программа работает, и никуда не записываются.'],
    'connect.sandbox': ['Use the built-in sandbox (try it without an account)', 'Использовать встроенную песочницу (попробовать без учётной записи)'],
    'connect.url': ['Address', 'Адрес'],
    'connect.go': ['Connect', 'Подключиться'],
    'connect.next': ['Next: preview →', 'Далее: предпросмотр →'],
    'connect.ok': ['Connected.', 'Подключено.'],
    'connect.sandboxok': ['Connected to the built-in sandbox: the accounts are made on this computer only, and are gone when userimport stops.',
      'Подключено к встроенной песочнице: учётные записи создаются только на этом компьютере и исчезнут, когда userimport закончит работу.'],
    'connect.taken': [(v) => 'taken from ' + v, (v) => 'взято из ' + v],
    'connect.or': ['or', 'или'],
    'connect.none': ['This platform needs no keys.', 'Этой платформе ключи не нужны.'],
    'connect.options': ['Options of this platform (the same as import’s flags; usually not needed)',
      'Параметры этой платформы (те же, что флаги import; обычно не нужны)'],
    'role.TOKEN': ['Access token', 'Токен доступа'],
    'role.EMAIL': ['Login e-mail', 'E-mail для входа'],
    'role.PASSWORD': ['Password', 'Пароль'],
    'role.CLIENT_ID': ['Client ID', 'Client ID'],
    'role.CLIENT_SECRET': ['Client secret', 'Client secret'],
    'role.API_KEY': ['API key', 'Ключ API'],

    'preview.title': ['What will happen', 'Что произойдёт'],
    'preview.lead': ['Nothing has been written yet. Look at what each row would become, then press the button below.',
      'Пока ничего не записано. Посмотрите, что станет с каждой строкой, и нажмите кнопку ниже.'],
    'preview.policy': ['Accounts that already exist', 'Уже существующие учётные записи'],
    'policy.update': ['update them', 'обновить'],
    'policy.missing': ['fill only empty fields', 'заполнить только пустые поля'],
    'policy.skip': ['leave them alone', 'не трогать'],
    'preview.max': ['At most this many updates', 'Не больше стольких обновлений'],
    'preview.run': ['Preview', 'Показать'],
    'preview.noplan': ['This platform cannot be looked up before the import: the counts are what the import will try.',
      'Эту платформу нельзя опросить заранее: числа показывают, что попробует сделать загрузка.'],
    'preview.nothing': ['Nothing is written until you press this button.', 'Ничего не записывается, пока вы не нажмёте эту кнопку.'],
    'preview.rows': ['Row by row', 'По строкам'],
    'import.button': [(c, u) => c && u ? 'Create ' + fmt(c) + ' and update ' + fmt(u) + ' ' + accountsEn(u)
      : u ? 'Update ' + fmt(u) + ' ' + accountsEn(u) : 'Create ' + fmt(c) + ' ' + accountsEn(c),
    (c, u) => c && u ? 'Создать ' + fmt(c) + ' и обновить ' + fmt(u) + ' ' + accountsRu(u)
      : u ? 'Обновить ' + fmt(u) + ' ' + accountsRu(u) : 'Создать ' + fmt(c) + ' ' + accountsRu(c)],
    'import.nothing': ['Nothing to create or update', 'Нечего создавать или обновлять'],

    'import.title': ['Importing', 'Загрузка'],
    'import.stop': ['Stop', 'Остановить'],
    'import.stopping': ['Stopping…', 'Останавливаем…'],
    'import.resume': ['Resume', 'Продолжить'],
    'import.results': ['See the results →', 'К итогам →'],
    'import.stopped': [(d, n) => 'Stopped after ' + fmt(d) + ' of ' + fmt(n) + ' rows. Resume goes on from where it stopped; rows already sent are not sent again.',
      (d, n) => 'Остановлено после ' + fmt(d) + ' из ' + fmt(n) + ' строк. «Продолжить» начнёт с того места, где остановились; уже отправленные строки повторно не отправляются.'],
    'progress': [(p) => fmt(p.done) + ' of ' + fmt(p.total) + ' · ' + rate(p.rate) + ' rows/s' + left(p) +
      ' · created ' + fmt(p.created) + ', updated ' + fmt(p.updated) + ', failed ' + fmt(p.failed),
    (p) => fmt(p.done) + ' из ' + fmt(p.total) + ' · ' + rate(p.rate) + ' строк/с' + left(p) +
      ' · создано ' + fmt(p.created) + ', обновлено ' + fmt(p.updated) + ', ошибок ' + fmt(p.failed)],
    'progress.left': [(s) => ' · about ' + s + ' left', (s) => ' · осталось около ' + s],
    'progress.starting': ['Starting…', 'Начинаем…'],
    'sec': [(n) => n + ' s', (n) => n + ' с'],
    'min': [(m, s) => m + ' min ' + s + ' s', (m, s) => m + ' мин ' + s + ' с'],

    'results.title': ['Done', 'Готово'],
    'results.downloads': ['Files to download', 'Файлы'],
    'results.rows': ['Rows that were not imported', 'Строки, которые не загружены'],
    'results.dir': [(d) => 'The report folder: ' + d, (d) => 'Папка с отчётом: ' + d],
    'results.again': ['Send again', 'Отправить ещё раз'],
    'results.over': ['Start over with another file', 'Начать заново с другим файлом'],

    'error.network': ['The page lost touch with userimport. Is it still running?', 'Страница потеряла связь с userimport. Программа ещё работает?'],
    'error.status': [(s) => 'The server answered ' + s + '.', (s) => 'Сервер ответил ' + s + '.'],
  };

  function t(key, ...args) {
    const w = WORDS[key];
    if (!w) return key;
    const v = w[state.lang === 'ru' ? 1 : 0];
    return typeof v === 'function' ? v(...args) : v;
  }

  function rate(r) {
    return new Intl.NumberFormat(state.lang === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits: 1 }).format(r || 0);
  }
  function duration(s) {
    s = Math.max(0, Math.round(s));
    return s < 60 ? t('sec', s) : t('min', Math.floor(s / 60), s % 60);
  }
  function left(p) {
    return p.eta_seconds > 0 ? t('progress.left', duration(p.eta_seconds)) : '';
  }

  // translatePage puts the words of the current language into every element that
  // names one with data-t.
  function translatePage() {
    document.documentElement.lang = state.lang;
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = t(e.dataset.t);
    $('lang').value = state.lang;
  }

  // ---------------------------------------------------------------------------
  // The page's tools: elements, calls, errors.

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }

  function option(value, label, selected) {
    const o = el('option', '', label);
    o.value = value;
    o.selected = !!selected;
    return o;
  }

  function withLang(path) {
    return path + (path.includes('?') ? '&' : '?') + 'lang=' + state.lang;
  }

  // call makes one JSON call; an error answer becomes an Error with the server's line.
  async function call(method, path, body) {
    const opts = { method: method, credentials: 'same-origin', headers: {} };
    if (body instanceof FormData) {
      opts.body = body;
    } else if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(withLang(path), opts);
    } catch (e) {
      throw new Error(t('error.network'));
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) throw new Error((data && data.error) || t('error.status', res.status));
    return data || {};
  }

  // run does one thing the person asked for: a spinner when it takes a while, and its
  // error in the banner at the top.
  async function run(fn) {
    hideError();
    const timer = setTimeout(() => { $('busy').hidden = false; }, 250);
    try {
      return await fn();
    } catch (e) {
      showError(e.message);
      return undefined;
    } finally {
      clearTimeout(timer);
      $('busy').hidden = true;
    }
  }

  function showError(msg) { const b = $('error'); b.textContent = msg; b.hidden = false; }
  function hideError() { $('error').hidden = true; }

  function message(id, text, kind) {
    const m = $(id);
    m.textContent = text || '';
    m.hidden = !text;
    m.classList.toggle('bad', kind === 'bad');
    m.classList.toggle('ok', kind === 'ok');
  }

  function platformInfo() {
    return state.platforms.find((p) => p.name === state.platform) || { name: '', title: '', fields: [], env: [], sets: [] };
  }

  // ---------------------------------------------------------------------------
  // The stepper: which step is shown, and the ones a person can go back to.

  function showStep(name) {
    state.step = name;
    const i = STEPS.indexOf(name);
    if (i > state.reached) state.reached = i;
    for (const s of STEPS) $('step-' + s).hidden = s !== name;
    for (const li of $('stepper').children) {
      const j = STEPS.indexOf(li.dataset.step);
      li.classList.toggle('current', j === i);
      li.classList.toggle('done', j < i);
      li.classList.toggle('reachable', j !== i && canGo(li.dataset.step));
    }
    window.scrollTo(0, 0);
  }

  function canGo(step) {
    const j = STEPS.indexOf(step);
    if (j > state.reached) return false;
    if (state.importing) return step === 'import';
    if (step === 'import') return false;
    if (step === 'preview') return state.connected;
    return true;
  }

  // go shows a step the stepper offers (one reached before).
  function go(step) {
    if (canGo(step)) enterStep(step);
  }

  // enterStep shows a step with its data fresh from the server: a Next button's way.
  function enterStep(step) {
    const enter = {
      file: enterFile, read: enterRead, check: enterCheck, connect: enterConnect,
      preview: enterPreview, import: pollProgress, results: enterResults,
    }[step];
    run(async () => { await enter(); });
  }

  // ---------------------------------------------------------------------------
  // 1. File and platform.

  function renderPlatforms() {
    const sel = clear($('platform'));
    for (const p of state.platforms) sel.appendChild(option(p.name, p.title, p.name === state.platform));
  }

  async function enterFile() {
    const r = state.reading;
    $('to-read').hidden = !r;
    message('file-current', r ? t('file.current', r.name) : '');
    showStep('file');
  }

  async function upload(file) {
    if (!file) return;
    const form = new FormData();
    form.append('file', file, file.name);
    form.append('platform', state.platform);
    await run(async () => {
      state.reading = await call('POST', '/api/file', form);
      state.check = null;
      state.connected = false;
      state.reached = 1;
      renderReading();
      showStep('read');
    });
  }

  async function choosePlatform(name) {
    state.platform = name;
    state.connected = false;
    if (state.reading) await run(() => readAgain({ platform: name }));
  }

  function setupFile() {
    $('file-input').addEventListener('change', (e) => {
      upload(e.target.files[0]);
      e.target.value = '';
    });
    const drop = $('drop');
    for (const ev of ['dragenter', 'dragover']) {
      drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('over'); });
    }
    for (const ev of ['dragleave', 'dragend']) drop.addEventListener(ev, () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      if (e.dataTransfer && e.dataTransfer.files.length) upload(e.dataTransfer.files[0]);
    });
    // A file dropped beside the zone must not make the browser leave the page.
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => e.preventDefault());
    $('platform').addEventListener('change', (e) => choosePlatform(e.target.value));
    $('to-read').addEventListener('click', () => go('read'));
  }

  // ---------------------------------------------------------------------------
  // 2. How it was read: sheet, encoding, samples, the mapping, values, profile.

  async function enterRead() {
    renderReading();
    showStep('read');
  }

  async function readAgain(changes) {
    state.reading = await call('POST', '/api/read', changes);
    state.check = null;
    renderReading();
  }

  function renderReading() {
    const r = state.reading;
    if (!r) return;
    const bits = [r.name, (r.format || '').toUpperCase()];
    if (r.sheet) bits.push(t('read.sheetname', r.sheet));
    if (r.encoding) bits.push(r.encoding);
    if (r.header_row) bits.push(t('read.header', r.header_row));
    if (r.rows !== undefined) bits.push(t('read.rows', r.rows));
    $('read-summary').textContent = bits.filter(Boolean).join(' · ');
    message('read-error', r.error || '', 'bad');
    renderSheetAndEncoding(r);
    renderSamples(r);
    renderMapping(r);
    renderSets(r);
    renderMissing(r);
    $('to-check').disabled = !!r.error || (r.missing || []).length > 0;
  }

  function renderSheetAndEncoding(r) {
    const sheets = r.sheets || [];
    $('sheet-box').hidden = sheets.length === 0;
    const sheet = clear($('sheet'));
    for (const s of sheets) sheet.appendChild(option(s, s, s === r.sheet));
    const encodings = r.encodings || [];
    $('encoding-box').hidden = r.format === 'xlsx' || encodings.length === 0;
    const enc = clear($('encoding'));
    enc.appendChild(option('', t('read.auto'), !r.encoding));
    for (const e of encodings) enc.appendChild(option(e, e, e === r.encoding));
  }

  function renderSamples(r) {
    const table = clear($('read-table'));
    const head = el('tr');
    head.appendChild(el('th', 'rownum', t('read.row')));
    for (const c of r.columns || []) head.appendChild(el('th', '', c.header));
    table.appendChild(el('thead')).appendChild(head);
    const body = table.appendChild(el('tbody'));
    for (const s of r.samples || []) {
      const tr = body.appendChild(el('tr'));
      tr.appendChild(el('td', 'rownum', s.row));
      for (const c of r.columns || []) tr.appendChild(el('td', '', s.cells[c.index] || ''));
    }
  }

  function fieldLabel(f) {
    return (f.label || f.field) + (f.required ? ' *' : '');
  }

  function renderMapping(r) {
    const body = clear($('map-table').tBodies[0]);
    const first = (r.samples || [])[0];
    for (const c of r.columns || []) {
      const tr = body.appendChild(el('tr'));
      tr.appendChild(el('th', '', c.header));
      tr.appendChild(el('td', 'example', first ? first.cells[c.index] || '' : ''));
      const td = tr.appendChild(el('td'));
      const sel = td.appendChild(el('select', 'map-field'));
      sel.dataset.col = c.index;
      sel.dataset.header = c.header;
      sel.appendChild(option('-', t('read.skip'), !c.field));
      const fields = r.fields || [];
      // A column can hold what is not one field: the full name, split into three.
      const extra = new Set();
      if (fields.some((f) => f.field === 'last_name') && fields.some((f) => f.field === 'first_name')) extra.add('full_name');
      if (c.field && !fields.some((f) => f.field === c.field)) extra.add(c.field);
      for (const x of extra) sel.appendChild(option(x, fieldWord(x), x === c.field));
      for (const f of fields) sel.appendChild(option(f.field, fieldLabel(f), f.field === c.field));
      tr.classList.toggle('skipped', !c.field);
      if (c.note) td.appendChild(el('div', 'note', c.note));
    }
  }

  // fieldWord names a field that is not in the platform's list of fields.
  function fieldWord(field) {
    return WORDS['field.' + field] ? t('field.' + field) : field;
  }

  // chosenMapping is the field chosen for every column, by header: the server takes
  // the whole choice each time.
  function chosenMapping() {
    const map = {};
    for (const sel of $('map-table').querySelectorAll('select.map-field')) map[sel.dataset.header] = sel.value;
    return map;
  }

  // renderSets offers a value for every field without a column (--set): the required
  // ones first; the box is open when one is missing or a value is given.
  function renderSets(r) {
    const mapped = new Set((r.columns || []).map((c) => c.field).filter(Boolean));
    const missing = new Set((r.missing || []).map((m) => m.field));
    const given = r.sets || {};
    const fields = (r.fields || []).filter((f) => !mapped.has(f.field) && !f.generated);
    fields.sort((a, b) => Number(missing.has(b.field)) - Number(missing.has(a.field)) || Number(b.required) - Number(a.required));
    const box = $('sets-box');
    box.hidden = fields.length === 0;
    if (missing.size || Object.values(given).some(Boolean)) box.open = true;
    const body = clear($('sets-table').tBodies[0]);
    for (const f of fields) {
      const tr = body.appendChild(el('tr'));
      const id = 'set-' + f.field;
      const th = tr.appendChild(el('th'));
      const label = th.appendChild(el('label', '', fieldLabel(f)));
      label.htmlFor = id;
      const input = tr.appendChild(el('td')).appendChild(el('input', 'set-value'));
      input.id = id;
      input.type = 'text';
      input.autocomplete = 'off';
      input.dataset.field = f.field;
      input.value = given[f.field] || '';
    }
  }

  function renderMissing(r) {
    const list = clear($('missing'));
    const missing = r.missing || [];
    list.hidden = missing.length === 0;
    if (!missing.length) return;
    list.appendChild(el('li', 'missing-head', t('read.missing')));
    for (const m of missing) list.appendChild(el('li', '', m.message));
  }

  async function saveProfile() {
    const name = $('profile-name').value.trim();
    if (!name) { message('profile-message', t('read.profile.name'), 'bad'); return; }
    await run(async () => {
      const res = await call('POST', '/api/profile', { name: name });
      message('profile-message', t('read.profile.saved', res.path, name), 'ok');
    });
  }

  function setupRead() {
    $('sheet').addEventListener('change', (e) => run(() => readAgain({ sheet: e.target.value })));
    $('encoding').addEventListener('change', (e) => run(() => readAgain({ encoding: e.target.value })));
    $('map-table').addEventListener('change', (e) => {
      if (!e.target.closest('select.map-field')) return;
      run(() => readAgain({ map: chosenMapping() }));
    });
    $('sets-table').addEventListener('change', (e) => {
      if (!e.target.closest('input.set-value')) return;
      // The server takes the whole set of values each time, as the mapping.
      const sets = {};
      for (const i of $('sets-table').querySelectorAll('input.set-value')) if (i.value.trim()) sets[i.dataset.field] = i.value.trim();
      run(() => readAgain({ sets: sets }));
    });
    $('back-file').addEventListener('click', () => go('file'));
    $('to-check').addEventListener('click', () => run(async () => { await enterCheck(); }));
    $('save-profile').addEventListener('click', saveProfile);
    $('profile-name').addEventListener('keydown', (e) => { if (e.key === 'Enter') saveProfile(); });
  }

  // ---------------------------------------------------------------------------
  // 3. Check: the counts, the problem list, and the grid of rows with problems.

  async function enterCheck() {
    state.check = await call('POST', '/api/check', {});
    renderCheck();
    showStep('check');
    await loadGrid('check', 0);
  }

  function countBox(name, n, kind) {
    const box = el('div', 'count' + (kind ? ' ' + kind : ''));
    box.dataset.count = name;
    box.appendChild(el('span', 'n', fmt(n || 0)));
    box.appendChild(el('span', 'label', t('count.' + name)));
    return box;
  }

  function renderCheck() {
    const c = state.check;
    if (!c) return;
    const counts = clear($('check-counts'));
    counts.appendChild(countBox('rows', c.rows));
    counts.appendChild(countBox('valid', c.valid, 'good'));
    counts.appendChild(countBox('invalid', c.invalid, c.invalid ? 'bad' : ''));
    counts.appendChild(countBox('warnings', c.warnings, c.warnings ? 'warn' : ''));
    if (c.edited) counts.appendChild(countBox('edited', c.edited));
    message('check-routine', c.routine || '');
    const list = clear($('problems'));
    for (const p of c.problems || []) {
      const li = list.appendChild(el('li', 'problem ' + (p.severity === 'warning' ? 'warn' : 'bad')));
      if (p.column) li.appendChild(el('strong', '', p.column));
      li.appendChild(el('span', 'msg', p.message));
      li.appendChild(el('span', 'where', t('check.problem', p.count, p.first_row)));
    }
    $('check-next-note').textContent = c.invalid ? t('check.invalidnote', c.invalid) : t('check.allgood');
  }

  function setupCheck() {
    $('back-read').addEventListener('click', () => go('read'));
    $('check-again').addEventListener('click', () => run(enterCheck));
    $('to-connect').addEventListener('click', () => enterStep('connect'));
  }

  // ---------------------------------------------------------------------------
  // The grid of rows: one for each set (check, preview, results), paged on the server.

  const GRIDS = {
    check: { table: 'grid', filter: 'check-filter', prev: 'check-prev', next: 'check-next', range: 'check-range', detail: 'check-detail', editable: true, extra: 'problems' },
    preview: { table: 'preview-grid', filter: 'preview-filter', prev: 'preview-prev', next: 'preview-next', range: 'preview-range', editable: false, extra: 'changes' },
    results: { table: 'results-grid', filter: 'results-filter', prev: 'results-prev', next: 'results-next', range: 'results-range', detail: 'results-detail', editable: true, extra: 'failure' },
  };

  function gridState(set) {
    if (!state.grids[set]) state.grids[set] = { page: 0, total: 0, headers: [], rows: [], selected: null, mended: new Set() };
    return state.grids[set];
  }

  async function loadGrid(set, page) {
    const g = GRIDS[set];
    const gs = gridState(set);
    const q = new URLSearchParams({ set: set, filter: $(g.filter).value, page: String(page), size: String(PAGE_SIZE) });
    const p = await call('GET', '/api/rows?' + q.toString());
    gs.page = p.page || 0;
    gs.total = p.total || 0;
    gs.headers = p.headers || [];
    gs.rows = p.rows || [];
    gs.selected = null;
    if ($(set + '-status')) message(set + '-status', '');
    renderGrid(set);
  }

  function renderGrid(set) {
    const g = GRIDS[set];
    const gs = gridState(set);
    const table = clear($(g.table));
    const head = el('tr');
    head.appendChild(el('th', 'rownum', t('grid.row')));
    if (set !== 'check') head.appendChild(el('th', 'status', t('grid.status')));
    head.appendChild(el('th', 'extra', t('grid.' + g.extra)));
    for (const h of gs.headers) head.appendChild(el('th', '', h));
    table.appendChild(el('thead')).appendChild(head);
    const body = table.appendChild(el('tbody'));
    for (const row of gs.rows) body.appendChild(gridRow(set, row));
    if (!gs.rows.length) {
      const td = body.appendChild(el('tr', 'empty')).appendChild(el('td', '', t('grid.none')));
      td.colSpan = gs.headers.length + 3;
    }
    renderPager(set);
    renderDetail(set);
  }

  function renderPager(set) {
    const g = GRIDS[set];
    const gs = gridState(set);
    const from = gs.page * PAGE_SIZE;
    $(g.range).textContent = gs.total ? t('grid.range', from + 1, Math.min(from + PAGE_SIZE, gs.total), gs.total) : '';
    $(g.prev).disabled = gs.page === 0;
    $(g.next).disabled = from + PAGE_SIZE >= gs.total;
    $(g.prev).hidden = $(g.next).hidden = gs.total <= PAGE_SIZE;
  }

  // statusWord names a row's status; the preview's "created" is one that would be.
  function statusWord(set, status) {
    const key = (set === 'preview' ? 'plan.' : 'status.') + status;
    return WORDS[key] ? t(key) : status;
  }

  function gridRow(set, row) {
    const g = GRIDS[set];
    const tr = el('tr', 'status-' + (row.status || 'none'));
    tr.dataset.row = row.row;
    const hasError = (row.issues || []).some((i) => i.severity !== 'warning');
    // A row mended here turns green once nothing in it is wrong.
    if (row.status === 'valid' && !hasError && gridState(set).mended.has(row.row)) tr.classList.add('fixed');
    tr.appendChild(el('td', 'rownum', row.row));
    if (set !== 'check') tr.appendChild(el('td', 'status', statusWord(set, row.status)));
    // What is wrong comes first, beside the row number: it stays in sight however
    // wide the file is.
    const extra = tr.appendChild(el('td', 'extra'));
    if (g.extra === 'changes') renderChanges(extra, row);
    if (g.extra === 'failure' && row.failure) extra.appendChild(el('div', 'issue bad', row.failure));
    if (g.extra !== 'changes') renderIssues(extra, row, gridState(set).headers);
    const byCol = issuesByColumn(row);
    (row.cells || []).forEach((value, col) => {
      const td = tr.appendChild(el('td', 'cell', value));
      td.dataset.row = row.row;
      td.dataset.col = col;
      const issues = byCol.get(col);
      if (issues) {
        td.classList.add(issues.some((i) => i.severity !== 'warning') ? 'bad' : 'warn');
        td.title = issues.map((i) => i.message).join('\n');
      }
      if (g.editable) td.classList.add('editable');
    });
    return tr;
  }

  function issuesByColumn(row) {
    const m = new Map();
    for (const i of row.issues || []) {
      if (i.col < 0) continue;
      if (!m.has(i.col)) m.set(i.col, []);
      m.get(i.col).push(i);
    }
    return m;
  }

  function renderChanges(td, row) {
    for (const c of row.changes || []) {
      const d = td.appendChild(el('div', 'change'));
      d.appendChild(el('span', 'field', c.field + ': '));
      d.appendChild(el('span', 'old', c.old || '∅'));
      d.appendChild(el('span', 'arrow', ' → '));
      d.appendChild(el('span', 'new', c.new || '∅'));
    }
  }

  function renderIssues(td, row, headers) {
    for (const i of row.issues || []) {
      const d = td.appendChild(el('div', 'issue ' + (i.severity === 'warning' ? 'warn' : 'bad')));
      const where = i.col >= 0 ? headers[i.col] || '' : t('grid.rowissue');
      d.appendChild(el('strong', '', where + ': '));
      d.appendChild(el('span', '', i.message));
      addFixButtons(d, row.row, i);
    }
  }

  function addFixButtons(parent, rowNum, i) {
    if (!i.fix) return;
    const fix = parent.appendChild(el('button', 'fix small', '→ ' + i.fix));
    fix.type = 'button';
    fix.dataset.row = rowNum;
    fix.dataset.col = i.col;
    fix.dataset.code = i.code;
    if (i.like > 1) {
      const all = parent.appendChild(el('button', 'fix-all small', t('fix.all', i.like)));
      all.type = 'button';
      all.dataset.row = rowNum;
      all.dataset.col = i.col;
      all.dataset.code = i.code;
    }
  }

  // renderDetail shows, below the grid, the messages of the selected cell.
  function renderDetail(set) {
    const g = GRIDS[set];
    if (!g.detail) return;
    const gs = gridState(set);
    const box = clear($(g.detail));
    const sel = gs.selected;
    const row = sel && gs.rows.find((r) => r.row === sel.row);
    box.hidden = !row;
    for (const td of $(g.table).querySelectorAll('td.selected')) td.classList.remove('selected');
    if (!row) return;
    const td = $(g.table).querySelector('td[data-row="' + sel.row + '"][data-col="' + sel.col + '"]');
    if (td) td.classList.add('selected');
    box.appendChild(el('div', 'detail-head', t('grid.cell', row.row, gs.headers[sel.col] || '')));
    box.appendChild(el('div', 'detail-value', (row.cells || [])[sel.col] || '∅'));
    const issues = (row.issues || []).filter((i) => i.col === sel.col);
    if (!issues.length) box.appendChild(el('div', 'note', t('grid.cellok')));
    for (const i of issues) {
      const d = box.appendChild(el('div', 'issue ' + (i.severity === 'warning' ? 'warn' : 'bad')));
      d.appendChild(el('span', '', i.message));
      addFixButtons(d, row.row, i);
    }
  }

  function startEdit(set, td) {
    if (td.querySelector('input')) return;
    const gs = gridState(set);
    const rowNum = Number(td.dataset.row);
    const col = Number(td.dataset.col);
    const row = gs.rows.find((r) => r.row === rowNum);
    if (!row) return;
    const old = (row.cells || [])[col] || '';
    const input = el('input', 'cell-edit');
    input.type = 'text';
    input.value = old;
    clear(td).appendChild(input);
    td.classList.add('editing');
    input.focus();
    input.select();
    let done = false;
    const finish = (save) => {
      if (done) return;
      done = true;
      if (save && input.value !== old) {
        run(() => saveCell(set, rowNum, col, input.value)).then(() => renderGrid(set));
      } else {
        renderGrid(set);
      }
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); finish(true); }
      if (e.key === 'Escape') { e.preventDefault(); finish(false); }
    });
    input.addEventListener('blur', () => finish(true));
  }

  async function saveCell(set, rowNum, col, value) {
    const res = await call('POST', '/api/cell', { row: rowNum, col: col, value: value });
    const gs = gridState(set);
    const i = gs.rows.findIndex((r) => r.row === rowNum);
    if (i >= 0 && res.row) gs.rows[i] = res.row;
    gs.mended.add(rowNum);
    message(set + '-status', '');
    gs.selected = { row: rowNum, col: col };
    if (res.check) {
      state.check = res.check;
      renderCheck();
    }
  }

  async function applyFix(set, button, all) {
    const body = { row: Number(button.dataset.row), col: Number(button.dataset.col), code: button.dataset.code, all: all };
    await run(async () => {
      const res = await call('POST', '/api/fix', body);
      gridState(set).mended.add(body.row);
      if (res.check) {
        state.check = res.check;
        renderCheck();
      }
      await loadGrid(set, gridState(set).page);
      message(set + '-status', t('check.fixed', res.fixed || 0), 'ok');
    });
  }

  function setupGrid(set) {
    const g = GRIDS[set];
    const table = $(g.table);
    $(g.filter).addEventListener('change', () => run(() => loadGrid(set, 0)));
    $(g.prev).addEventListener('click', () => run(() => loadGrid(set, gridState(set).page - 1)));
    $(g.next).addEventListener('click', () => run(() => loadGrid(set, gridState(set).page + 1)));
    table.addEventListener('click', (e) => {
      const b = e.target.closest('button.fix, button.fix-all');
      if (b) { applyFix(set, b, b.classList.contains('fix-all')); return; }
      const td = e.target.closest('td[data-col]');
      if (!td || td.querySelector('input')) return;
      gridState(set).selected = { row: Number(td.dataset.row), col: Number(td.dataset.col) };
      renderDetail(set);
    });
    if (g.detail) {
      $(g.detail).addEventListener('click', (e) => {
        const b = e.target.closest('button.fix, button.fix-all');
        if (b) applyFix(set, b, b.classList.contains('fix-all'));
      });
    }
    if (!g.editable) return;
    table.addEventListener('dblclick', (e) => {
      const tr = e.target.closest('tbody tr[data-row]');
      if (!tr || e.target.closest('button, input')) return;
      // Any cell of the row: the row number or the problems open the first bad cell.
      const td = e.target.closest('td[data-col]') || tr.querySelector('td.bad, td.warn, td[data-col]');
      if (td) startEdit(set, td);
    });
  }

  // ---------------------------------------------------------------------------
  // 4. Connect: the address, the sandbox, the credentials.

  async function enterConnect() {
    renderCredentials();
    renderOptions();
    syncSandbox();
    $('to-preview').disabled = !state.connected;
    showStep('connect');
  }

  function roleOf(name) {
    const parts = name.replace(/^USERIMPORT_[A-Z0-9]+_/, '');
    return WORDS['role.' + parts] ? t('role.' + parts) : parts;
  }

  // renderCredentials makes one input per environment variable of the platform, grouped
  // by the ways of giving them; a value typed before (another language) is kept.
  function renderCredentials() {
    const box = $('credentials');
    const typed = {};
    for (const i of box.querySelectorAll('input[data-env]')) typed[i.dataset.env] = i.value;
    const p = platformInfo();
    if (state.credentialsFor !== p.name) for (const k of Object.keys(typed)) delete typed[k];
    state.credentialsFor = p.name;
    clear(box);
    const env = p.env || [];
    if (!env.length) { box.appendChild(el('p', 'note', t('connect.none'))); return; }
    const groups = [...new Set(env.map((e) => e.alt || 0))];
    groups.forEach((alt, gi) => {
      if (gi > 0) box.appendChild(el('div', 'or', t('connect.or')));
      const group = box.appendChild(el('div', 'cred-group'));
      for (const v of env.filter((e) => (e.alt || 0) === alt)) group.appendChild(credentialRow(v, typed[v.name]));
    });
  }

  function credentialRow(v, typed) {
    const row = el('div', 'field-row');
    const id = 'cred-' + v.name;
    const label = row.appendChild(el('label', '', roleOf(v.name)));
    label.htmlFor = id;
    const input = row.appendChild(el('input'));
    input.id = id;
    input.type = v.secret ? 'password' : 'text';
    input.autocomplete = 'off';
    input.dataset.env = v.name;
    input.value = typed || '';
    if (v.set) {
      input.placeholder = t('connect.taken', v.name);
      row.appendChild(el('span', 'taken', t('connect.taken', v.name)));
    } else {
      row.appendChild(el('span', 'var', v.name));
    }
    return row;
  }

  // renderOptions lists the platform's own options (import's --api, --default-department
  // …): a box for a value, a tick for a switch, with the platform's help under each.
  function renderOptions() {
    const p = platformInfo();
    const box = clear($('options-rows'));
    const given = state.optionsFor === p.name ? state.options || {} : {};
    state.optionsFor = p.name;
    const opts = p.options || [];
    $('platform-options').hidden = opts.length === 0;
    for (const o of opts) {
      const row = box.appendChild(el('div', 'option'));
      const id = 'opt-' + o.name;
      const label = row.appendChild(el('label', '', '--' + o.name));
      label.htmlFor = id;
      const input = row.appendChild(el('input'));
      input.id = id;
      input.dataset.option = o.name;
      if (o.bool) {
        input.type = 'checkbox';
        input.checked = given[o.name] === 'true';
      } else {
        input.type = 'text';
        input.autocomplete = 'off';
        input.value = given[o.name] || '';
      }
      row.appendChild(el('span', 'note', o.help));
    }
  }

  function optionValues() {
    const out = {};
    for (const i of $('options-rows').querySelectorAll('input[data-option]')) {
      const v = i.type === 'checkbox' ? (i.checked ? 'true' : '') : i.value.trim();
      if (v) out[i.dataset.option] = v;
    }
    state.options = out;
    return out;
  }

  function syncSandbox() {
    const on = $('sandbox').checked;
    $('url').disabled = on;
    $('credentials').classList.toggle('dim', on);
    for (const i of $('credentials').querySelectorAll('input')) i.disabled = on;
  }

  function disconnect() {
    state.connected = false;
    $('to-preview').disabled = true;
  }

  async function connect() {
    disconnect();
    const credentials = {};
    for (const i of $('credentials').querySelectorAll('input[data-env]')) if (i.value) credentials[i.dataset.env] = i.value;
    const body = { url: $('url').value.trim(), sandbox: $('sandbox').checked, credentials: credentials, options: optionValues() };
    message('connect-message', '');
    message('connect-notice', '');
    await run(async () => {
      const res = await call('POST', '/api/connect', body);
      if (!res.ok) { message('connect-message', res.message, 'bad'); return; }
      state.connected = true;
      $('to-preview').disabled = false;
      const said = body.sandbox ? t('connect.sandboxok') : t('connect.ok') + (res.address ? ' ' + res.address : '');
      message('connect-message', res.message || said, 'ok');
      message('connect-notice', res.notice || '');
    });
  }

  function setupConnect() {
    $('sandbox').addEventListener('change', () => { syncSandbox(); disconnect(); });
    $('url').addEventListener('input', disconnect);
    $('credentials').addEventListener('input', disconnect);
    $('options-rows').addEventListener('input', disconnect);
    $('url').addEventListener('keydown', (e) => { if (e.key === 'Enter') connect(); });
    $('connect').addEventListener('click', connect);
    $('back-check').addEventListener('click', () => go('check'));
    $('to-preview').addEventListener('click', () => enterStep('preview'));
  }

  // ---------------------------------------------------------------------------
  // 5. Preview: the policy, the counts, the rows, and the import button.

  function choice() {
    return { policy: $('policy').value, max_updates: $('max-updates').value.trim() };
  }

  async function enterPreview() {
    showStep('preview');
    await runPreview();
  }

  async function runPreview() {
    $('import').disabled = true;
    state.preview = await call('POST', '/api/preview', choice());
    renderPreview();
    await loadGrid('preview', 0);
  }

  function renderPreview() {
    const p = state.preview;
    if (!p) return;
    const counts = clear($('preview-counts'));
    counts.appendChild(countBox('create', p.created, 'good'));
    counts.appendChild(countBox('update', p.updated, p.updated ? 'warn' : ''));
    counts.appendChild(countBox('unchanged', p.unchanged));
    counts.appendChild(countBox('skipped', p.skipped));
    counts.appendChild(countBox('notsent', p.invalid, p.invalid ? 'bad' : ''));
    if (p.failed) counts.appendChild(countBox('failed', p.failed, 'bad'));
    if (!p.allowed) message('preview-message', p.message, 'bad');
    else message('preview-message', p.message || (p.can_plan ? '' : t('preview.noplan')));
    const button = $('import');
    const work = (p.created || 0) + (p.updated || 0);
    button.textContent = work ? t('import.button', p.created || 0, p.updated || 0) : t('import.nothing');
    button.disabled = !p.allowed || work === 0;
  }

  function setupPreview() {
    $('policy').addEventListener('change', () => run(runPreview));
    $('max-updates').addEventListener('change', () => run(runPreview));
    $('preview-run').addEventListener('click', () => run(runPreview));
    $('back-connect').addEventListener('click', () => go('connect'));
    $('import').addEventListener('click', () => startImport(false));
  }

  // ---------------------------------------------------------------------------
  // 6. Import: start, watch, stop, resume.

  async function startImport(resume) {
    await run(async () => {
      await call('POST', '/api/import', Object.assign(choice(), { resume: resume }));
      state.importing = true;
      $('progress-text').textContent = t('progress.starting');
      $('progress').removeAttribute('value');
      message('import-message', '');
      $('resume').hidden = true;
      $('to-results').hidden = true;
      $('stop').hidden = false;
      $('stop').disabled = false;
      $('stop').textContent = t('import.stop');
      showStep('import');
      await pollProgress();
    });
  }

  async function pollProgress() {
    clearTimeout(state.pollTimer);
    if (state.step !== 'import') showStep('import');
    let p;
    try {
      p = await call('GET', '/api/progress');
    } catch (e) {
      showError(e.message);
      state.pollTimer = setTimeout(pollProgress, POLL_EVERY * 4);
      return;
    }
    renderProgress(p);
    if (p.running) {
      state.importing = true;
      state.pollTimer = setTimeout(pollProgress, POLL_EVERY);
      return;
    }
    state.importing = false;
    finishImport(p);
  }

  function renderProgress(p) {
    const bar = $('progress');
    bar.max = p.total || 1;
    bar.value = p.done || 0;
    $('progress-text').textContent = t('progress', p);
  }

  function finishImport(p) {
    $('stop').hidden = true;
    const asked = state.stopAsked;
    state.stopAsked = false;
    if (p.stopped || p.error) {
      // After Stop the engine's "interrupted" is no news; any other error is.
      const why = p.error && !asked ? p.error + ' ' : '';
      message('import-message', why + (p.can_resume ? t('import.stopped', p.done || 0, p.total || 0) : ''), why ? 'bad' : '');
      $('resume').hidden = !p.can_resume;
      $('to-results').hidden = false;
      showStep('import');
      return;
    }
    run(enterResults);
  }

  async function stopImport() {
    state.stopAsked = true;
    $('stop').disabled = true;
    $('stop').textContent = t('import.stopping');
    await run(() => call('POST', '/api/stop', {}));
  }

  function setupImport() {
    $('stop').addEventListener('click', stopImport);
    $('resume').addEventListener('click', () => startImport(true));
    $('to-results').addEventListener('click', () => run(enterResults));
  }

  // ---------------------------------------------------------------------------
  // 7. Results: the counts, the downloads, the rows not imported.

  async function enterResults() {
    const res = await call('GET', '/api/results');
    renderResults(res);
    showStep('results');
    const s = res.summary || {};
    const bad = (s.failed || 0) + (s.invalid || 0);
    $('results-rows').hidden = bad === 0;
    $('send-again').hidden = bad === 0;
    if (bad) {
      $('results-filter').value = s.failed ? 'failed' : 'invalid';
      await loadGrid('results', 0);
    }
  }

  function renderResults(res) {
    const s = res.summary || {};
    const counts = clear($('results-counts'));
    counts.appendChild(countBox('created', s.created, 'good'));
    counts.appendChild(countBox('updated', s.updated, s.updated ? 'good' : ''));
    counts.appendChild(countBox('unchanged', s.unchanged));
    // After a resume, the skipped rows are the ones the earlier run finished.
    if (s.skipped) counts.appendChild(countBox(res.resumed ? 'donebefore' : 'skipped', s.skipped, res.resumed ? 'good' : ''));
    counts.appendChild(countBox('failed', s.failed, s.failed ? 'bad' : ''));
    counts.appendChild(countBox('notsent', s.invalid, s.invalid ? 'bad' : ''));
    $('results-dir').textContent = res.report_dir ? t('results.dir', res.report_dir) : '';
    const list = clear($('downloads'));
    for (const d of res.downloads || []) {
      const li = list.appendChild(el('li'));
      const a = li.appendChild(el('a', 'button', d.name));
      a.href = '/api/download/' + encodeURIComponent(d.name);
      a.dataset.name = d.name;
      a.setAttribute('download', d.name);
      if (d.label) li.appendChild(el('span', 'note', d.label));
    }
  }

  function setupResults() {
    $('send-again').addEventListener('click', () => startImport(true));
    $('start-over').addEventListener('click', () => {
      state.reached = 0;
      go('file');
    });
  }

  // ---------------------------------------------------------------------------
  // Language, lifecycle, start.

  async function changeLang(lang) {
    state.lang = lang;
    try { sessionStorage.setItem('userimport.lang', lang); } catch (e) { /* private mode */ }
    translatePage();
    showStep(state.step);
    // The server's words come again in the new language.
    await run(async () => {
      switch (state.step) {
        case 'read': if (state.reading) await readAgain({}); break;
        case 'check': await enterCheck(); break;
        case 'connect': renderCredentials(); syncSandbox(); break;
        case 'preview': renderPreview(); await loadGrid('preview', gridState('preview').page); break;
        case 'results': await enterResults(); break;
        default: break;
      }
    });
  }

  function ping() {
    fetch('/api/ping', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}' })
      .catch(() => { /* the next ping or call says it */ });
  }

  function setupLifecycle() {
    ping();
    setInterval(ping, PING_EVERY);
    window.addEventListener('pagehide', () => { navigator.sendBeacon('/api/bye'); });
    window.addEventListener('pageshow', (e) => { if (e.persisted) ping(); });
    $('lang').addEventListener('change', (e) => changeLang(e.target.value));
    $('stepper').addEventListener('click', (e) => {
      const li = e.target.closest('li[data-step]');
      if (li) go(li.dataset.step);
    });
  }

  async function start() {
    setupFile();
    setupRead();
    setupCheck();
    for (const set of Object.keys(GRIDS)) setupGrid(set);
    setupConnect();
    setupPreview();
    setupImport();
    setupResults();
    setupLifecycle();
    let saved = '';
    try { saved = sessionStorage.getItem('userimport.lang') || ''; } catch (e) { /* private mode */ }
    state.lang = saved || 'ru';
    translatePage();
    showStep('file');
    await run(async () => {
      const res = await fetch('/api/state', { credentials: 'same-origin' });
      const s = await res.json();
      if (!res.ok) throw new Error(s.error || t('error.status', res.status));
      state.lang = saved || s.lang || 'ru';
      state.platforms = s.platforms || [];
      state.platform = s.platform || (state.platforms[0] || {}).name || '';
      state.reading = s.file || null;
      translatePage();
      renderPlatforms();
      await resume(s.step || 'file');
    });
  }

  // resume shows the step the server is at (a reload mid-way).
  async function resume(step) {
    if (!state.reading || step === 'file') { await enterFile(); return; }
    state.reached = STEPS.indexOf(step);
    if (step === 'import') { state.importing = true; await pollProgress(); return; }
    if (step === 'connect' || step === 'preview') {
      // A reload forgets the connection's answer; connecting again is one click.
      state.reached = STEPS.indexOf('connect');
      await enterConnect();
      return;
    }
    const enter = { read: enterRead, check: enterCheck, results: enterResults }[step] || enterRead;
    await enter();
  }

  start();
}());
