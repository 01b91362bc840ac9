/* global document, window, EventSource */
'use strict';

// The Slack client's part, and nothing of the app's: show what the server pushes (messages and modals it
// already drew as HTML), and tell the server which control the person used. The server turns that into the
// request Slack would send the app.

(() => {
  const PERSON_KEY = 'rdp-doctor-local-person';
  const state = {
    as: localStorage.getItem(PERSON_KEY) || 'U0ALICE',
    people: [],
    /** Every message this person can see, by id. */
    messages: new Map(),
    /** Open modals, oldest first; the last one shows. */
    views: [],
    /** The ts of the message whose thread is open. */
    thread: null,
    source: null,
    /** The view the modal shows, as last drawn: drawing it again would wipe what was typed. */
    drawn: null,
  };

  const $ = (id) => document.getElementById(id);
  const list = $('messages');
  const threadList = $('thread-messages');

  function toast(text) {
    const box = $('toast');
    box.textContent = text;
    box.hidden = false;
    window.clearTimeout(toast.timer);
    toast.timer = window.setTimeout(() => (box.hidden = true), 8000);
  }

  async function send(path, body) {
    try {
      const response = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ as: state.as, ...body }),
      });
      const answer = await response.json();
      if (!response.ok || answer.ok === false)
        toast(answer.error || `The server answered HTTP ${response.status}.`);
      return answer;
    } catch (error) {
      toast(`The local workspace did not answer: ${error.message}. Is npm start still running?`);
      return { ok: false };
    }
  }

  // ---- messages ----

  function sorted(filter) {
    return [...state.messages.values()].filter(filter).sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  function repliesTo(ts) {
    return sorted((m) => m.threadTs === ts);
  }

  function time(ts) {
    return new Date(Number(ts) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function avatar(author) {
    const node = document.createElement('div');
    const index = state.people.findIndex((p) => p.id === author.id);
    node.className = `avatar ${author.bot ? 'avatar-bot' : `avatar-${Math.max(index, 0)}`}`;
    node.textContent = author.name.slice(0, 1).toUpperCase();
    return node;
  }

  function messageNode(message, where, replies) {
    const node = document.createElement('div');
    node.className = `msg${message.ephemeral ? ' msg-ephemeral' : ''}`;
    node.dataset.id = message.id;
    node.dataset.ts = message.ts;
    node.appendChild(avatar(message.author));
    const main = document.createElement('div');
    main.className = 'msg-main';
    const head = document.createElement('div');
    head.className = 'msg-head';
    const author = document.createElement('span');
    author.className = 'author';
    author.textContent = message.author.name;
    head.appendChild(author);
    if (message.author.bot) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = 'APP';
      head.appendChild(badge);
    }
    const when = document.createElement('span');
    when.className = 'time';
    when.textContent = time(message.ts) + (message.edited ? ' (edited)' : '');
    head.appendChild(when);
    if (message.ephemeral) {
      const only = document.createElement('span');
      only.className = 'only-you';
      only.textContent = 'Only visible to you';
      head.appendChild(only);
    }
    main.appendChild(head);
    if (where === 'channel' && message.threadTs) {
      const replied = document.createElement('div');
      replied.className = 'replied';
      replied.textContent = 'replied to a thread';
      main.appendChild(replied);
    }
    const body = document.createElement('div');
    body.className = 'msg-body';
    // Drawn and escaped by the server from the app's blocks.
    body.innerHTML = message.html;
    main.appendChild(body);
    if (replies > 0) {
      const link = document.createElement('button');
      link.type = 'button';
      link.className = 'replies';
      link.dataset.thread = message.ts;
      link.textContent = `${replies} ${replies === 1 ? 'reply' : 'replies'}`;
      main.appendChild(link);
    }
    node.appendChild(main);
    return node;
  }

  /** What a message's node shows: when it changes, the node is drawn again. */
  function shown(message, where) {
    const replies = where === 'channel' && !message.threadTs ? repliesTo(message.ts).length : 0;
    return { message, replies };
  }

  /** Puts the nodes for `items` in order, drawing again only those whose content changed. */
  function reconcile(container, items, where) {
    const existing = new Map([...container.querySelectorAll(':scope > .msg')].map((n) => [n.dataset.id, n]));
    container.querySelector(':scope > .empty')?.toggleAttribute('hidden', items.length > 0);
    let previous = null;
    for (const item of items) {
      const now = shown(item, where);
      let node = existing.get(item.id);
      if (!node || node.shown.message !== now.message || node.shown.replies !== now.replies) {
        const fresh = messageNode(item, where, now.replies);
        fresh.shown = now;
        if (node) node.replaceWith(fresh);
        node = fresh;
      }
      existing.delete(item.id);
      const wanted = previous ? previous.nextSibling : container.querySelector(':scope > .msg');
      if (wanted !== node) container.insertBefore(node, wanted);
      previous = node;
    }
    existing.forEach((node) => node.remove());
  }

  function nearBottom(container) {
    return container.scrollHeight - container.scrollTop - container.clientHeight < 120;
  }

  function draw() {
    const stick = nearBottom(list);
    reconcile(
      list,
      sorted((m) => m.inChannel),
      'channel',
    );
    if (stick) list.scrollTop = list.scrollHeight;
    drawThread();
  }

  function drawThread() {
    const pane = $('thread');
    const root = state.thread && state.messages.get(state.thread);
    pane.hidden = !root;
    if (!root) return;
    const stick = nearBottom(threadList);
    reconcile(threadList, [root, ...repliesTo(root.ts)], 'thread');
    if (stick) threadList.scrollTop = threadList.scrollHeight;
  }

  function openThread(ts) {
    // The pane narrows the channel; what was at its bottom stays there.
    const stick = nearBottom(list);
    state.thread = ts;
    drawThread();
    threadList.scrollTop = threadList.scrollHeight;
    if (stick) list.scrollTop = list.scrollHeight;
  }

  // ---- modals ----

  function drawModal() {
    const view = state.views[state.views.length - 1];
    const layer = $('modal-layer');
    const modal = $('modal');
    layer.hidden = !view;
    if (!view) {
      state.drawn = null;
      delete modal.dataset.viewId;
      return;
    }
    if (state.drawn === view) return;
    state.drawn = view;
    modal.dataset.viewId = view.id;
    // Drawn and escaped by the server from the app's view.
    modal.innerHTML = view.html;
    modal.querySelector('.bk-field')?.focus();
  }

  function showView(view) {
    const at = state.views.findIndex((v) => v.id === view.id);
    if (at >= 0) state.views[at] = view;
    else state.views.push(view);
    drawModal();
  }

  function closeView(id) {
    state.views = state.views.filter((v) => v.id !== id);
    drawModal();
  }

  function showErrors(errors) {
    for (const input of $('modal').querySelectorAll('.bk-input')) {
      const error = input.querySelector('.bk-error');
      const message = errors[input.dataset.inputBlock];
      error.hidden = !message;
      error.textContent = message || '';
    }
  }

  async function submitModal() {
    const modal = $('modal');
    const values = {};
    for (const field of modal.querySelectorAll('.bk-field')) {
      values[field.dataset.blockId] = {
        ...values[field.dataset.blockId],
        [field.dataset.actionId]: field.value,
      };
    }
    const button = modal.querySelector('.modal-submit');
    button.disabled = true;
    const answer = await send('/local/view-submit', { viewId: modal.dataset.viewId, values });
    button.disabled = false;
    if (answer.errors) showErrors(answer.errors);
  }

  // ---- confirm dialogs (Slack's client asks before a button with `confirm` does anything) ----

  function confirmed(dialog) {
    const layer = $('confirm-layer');
    $('confirm-title').innerHTML = dialog.title;
    $('confirm-text').innerHTML = dialog.html;
    $('confirm-ok').innerHTML = dialog.confirm;
    $('confirm-ok').className = dialog.style === 'danger' ? 'bk-danger' : 'bk-primary';
    $('confirm-deny').innerHTML = dialog.deny;
    layer.hidden = false;
    return new Promise((resolve) => {
      const done = (answer) => {
        layer.hidden = true;
        $('confirm-ok').onclick = null;
        $('confirm-deny').onclick = null;
        resolve(answer);
      };
      $('confirm-ok').onclick = () => done(true);
      $('confirm-deny').onclick = () => done(false);
    });
  }

  async function act(control, selected) {
    const message = control.closest('.msg');
    if (!message) return;
    if (control.dataset.confirm && !(await confirmed(JSON.parse(control.dataset.confirm)))) return;
    if (control.dataset.url) window.open(control.dataset.url, '_blank', 'noopener');
    control.classList.add('busy');
    await send('/local/action', {
      ts: message.dataset.ts,
      blockId: control.dataset.blockId,
      actionId: control.dataset.actionId,
      ...(selected === undefined ? {} : { selected }),
    });
    control.classList.remove('busy');
  }

  // ---- who you are, and the live stream ----

  function fillPeople() {
    const select = $('person');
    select.replaceChildren(
      ...state.people.map((person) => {
        const option = document.createElement('option');
        option.value = person.id;
        option.textContent = `${person.realName} (@${person.name})`;
        option.selected = person.id === state.as;
        return option;
      }),
    );
    const me = state.people.find((p) => p.id === state.as);
    $('posting-as').textContent = me ? `Posting as ${me.realName}` : '';
  }

  function connect() {
    state.source?.close();
    const source = new EventSource(`/local/events?as=${encodeURIComponent(state.as)}`);
    state.source = source;
    const on = (event, handle) => source.addEventListener(event, (e) => handle(JSON.parse(e.data)));
    on('hello', (hello) => {
      state.people = hello.people;
      state.messages = new Map(hello.messages.map((m) => [m.id, m]));
      state.views = hello.views;
      fillPeople();
      draw();
      drawModal();
      list.scrollTop = list.scrollHeight;
    });
    on('message', (message) => {
      state.messages.set(message.id, message);
      draw();
    });
    on('remove', ({ id }) => {
      state.messages.delete(id);
      draw();
    });
    on('view', showView);
    on('view-closed', ({ id }) => closeView(id));
    source.onopen = () => ($('connection').textContent = 'live');
    source.onerror = () => ($('connection').textContent = 'reconnecting…');
  }

  $('person').addEventListener('change', (event) => {
    state.as = event.target.value;
    localStorage.setItem(PERSON_KEY, state.as);
    connect();
  });

  $('composer-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const composer = $('composer');
    const text = composer.value;
    if (text.trim() === '') return;
    composer.value = '';
    const answer = await send('/local/type', { text });
    if (answer.ok === false) composer.value = text;
  });

  $('composer').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      $('composer-form').requestSubmit();
    }
  });

  document.addEventListener('click', (event) => {
    const target = event.target.closest('button, a');
    if (!target) return;
    if (target.classList.contains('bk-action') && target.tagName === 'BUTTON') act(target);
    else if (target.classList.contains('replies')) openThread(target.dataset.thread);
    else if (target.id === 'thread-close') {
      state.thread = null;
      drawThread();
    } else if (target.classList.contains('modal-submit')) submitModal();
    else if (target.classList.contains('modal-close'))
      send('/local/view-close', { viewId: $('modal').dataset.viewId });
    else if (target.id === 'harden') {
      send('/local/harden', {}).then((answer) => answer.ok && toast(answer.message));
    } else if (target.classList.contains('example')) {
      $('composer').value = target.textContent;
      $('composer').focus();
    }
  });

  document.addEventListener('change', (event) => {
    const select = event.target;
    if (select.matches('select.bk-action')) act(select, select.value);
  });

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !$('modal-layer').hidden && $('confirm-layer').hidden) {
      send('/local/view-close', { viewId: $('modal').dataset.viewId });
    }
  });

  connect();
})();
