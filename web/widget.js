/*!
 * Back-pain self-check: the chat widget a clinic adds to its website with one tag.
 *
 *   <script src="https://bot.example.org/widget.js" data-server="https://bot.example.org"
 *           data-clinic="Our Clinic" data-colour="#1d5c63" data-greeting="Hello!" defer></script>
 *
 * It talks to Rasa's socket.io channel (events user_uttered / bot_uttered, session
 * persistence on), keeps the session id and a copy of the transcript in localStorage
 * so a returning visitor carries on where they left off, and renders everything the
 * bot sends as text: no innerHTML anywhere, so nothing a client or the bot says can
 * become markup. widget.css and vendor/socket.io.min.js are loaded from next to this
 * file, which keeps the page's Content-Security-Policy at 'self' with no 'unsafe-inline'.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || document.querySelector('.bpw-root')) return;

  var HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
  var base = new URL('.', script.src);
  var data = script.dataset;
  var config = {
    server: (data.server || 'http://localhost:5005').replace(/\/+$/, ''),
    socketPath: data.socketPath || '/socket.io',
    clinic: data.clinic || '',
    colour: HEX.test(data.colour || '') ? data.colour : '#1d5c63',
    greeting: data.greeting || ''
  };
  var MAX_ENTRIES = 300;
  var TYPING_TIMEOUT_MS = 20000;
  var SESSION_KEY = 'bpw:' + config.server + ':session';
  var OPEN_KEY = 'bpw:' + config.server + ':open';

  // ---- storage: localStorage when the browser allows it, memory otherwise ----------
  function storage(kind) {
    try {
      var store = window[kind];
      store.setItem('bpw:probe', '1');
      store.removeItem('bpw:probe');
      return store;
    } catch (error) {
      var memory = {};
      return {
        getItem: function (key) { return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null; },
        setItem: function (key, value) { memory[key] = String(value); },
        removeItem: function (key) { delete memory[key]; }
      };
    }
  }
  var local = storage('localStorage');
  var perTab = storage('sessionStorage');

  // ---- wording ------------------------------------------------------------------------
  // Every sentence comes from the Rasa server (GET /webhooks/socketio/settings: the wording
  // of bot/knowledge/widget.yml and messages.yml, with the clinic's name and emergency number)
  // and is kept on this device for the times the server cannot be reached. FIRST_VISIT is only
  // what the frame says before the server has ever answered on this device; the summary card
  // always comes from the server, so its wording never needs a copy here.
  var WORDS_KEY = 'bpw:' + config.server + ':words';
  var FIRST_VISIT = {
    greeting: 'Hello! Tell me in your own words where your back hurts and what you were doing when it started.',
    launcher: 'Back-pain self-check', title: 'Back-pain self-check', new_chat: 'New chat',
    new_chat_label: 'New chat: clear this conversation from this device', close: 'Close',
    close_label: 'Close the chat', conversation_label: 'Conversation', message_label: 'Your message',
    send: 'Send', choices_label: 'Suggested answers', you_said: 'You: ', assistant_said: 'Assistant: ',
    status_connecting: 'Connecting…', status_lost: 'Connection lost. Trying again…',
    status_unreachable: 'The assistant cannot be reached right now. Trying again… In an emergency, call your ' +
      'local emergency number.',
    status_failed: 'The chat could not load. Please contact the clinic directly. In an emergency, call your ' +
      'local emergency number.',
    status_new_chat: 'Started a new chat.'
  };
  var words = savedWords();

  function savedWords() {
    try {
      var saved = JSON.parse(local.getItem(WORDS_KEY) || 'null');
      return saved && typeof saved === 'object' && !Array.isArray(saved) ? saved : {};
    } catch (error) {
      return {};
    }
  }

  /** The wording for `key`, with the widget's own {fields} filled in (text only, never markup). */
  function say(key, fields) {
    var text = typeof words[key] === 'string' ? words[key] : (FIRST_VISIT[key] || '');
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return fields && Object.prototype.hasOwnProperty.call(fields, name) ? String(fields[name]) : whole;
    });
  }

  function fetchWords() {
    if (typeof window.fetch !== 'function') return;
    window.fetch(config.server + '/webhooks/socketio/settings', { credentials: 'omit' }).then(function (answer) {
      if (!answer.ok) throw new Error('settings: HTTP ' + answer.status);
      return answer.json();
    }).then(function (settings) {
      if (!settings || typeof settings.words !== 'object' || Array.isArray(settings.words)) return;
      words = Object.assign({}, settings.words, { clinic_name: asText(settings.clinic_name),
        body_map: settings.body_map && typeof settings.body_map === 'object' ? settings.body_map : null });
      if (!data.clinic && typeof settings.clinic_name === 'string') config.clinic = settings.clinic_name;
      try { local.setItem(WORDS_KEY, JSON.stringify(words)); } catch (error) { /* kept for this visit only */ }
      relabel();
    }).catch(function () { /* the wording kept from the last visit, or the first-visit frame */ });
  }

  function clinicName() { return config.clinic || asText(words.clinic_name) || ''; }

  function transcriptKey(id) { return 'bpw:' + config.server + ':transcript:' + id; }

  function loadTranscript(id) {
    if (!id) return [];
    try {
      var entries = JSON.parse(local.getItem(transcriptKey(id)) || '[]');
      return Array.isArray(entries) ? entries : [];
    } catch (error) {
      return [];
    }
  }

  function saveTranscript() {
    if (!sessionId) return;
    try {
      local.setItem(transcriptKey(sessionId), JSON.stringify(transcript.slice(-MAX_ENTRIES)));
    } catch (error) { /* storage full or blocked: the conversation still works, only the copy is lost */ }
  }

  // ---- small DOM helpers: text only, never markup ----------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value);
    });
    (children || []).forEach(function (child) { node.append(child); });
    return node;
  }

  function srOnly(text) { return el('span', { class: 'bpw-sr', text: text }); }

  var uid = 0;
  function newId(prefix) { uid += 1; return 'bpw-' + prefix + '-' + uid; }

  function hexColour(value, fallback) {
    if (typeof value !== 'string' || !HEX.test(value)) return fallback;
    return value.length === 4 ? '#' + value[1] + value[1] + value[2] + value[2] + value[3] + value[3] : value;
  }

  /** White or near-black, whichever reads better on the background (WCAG relative luminance). */
  function textOn(background) {
    var hex = hexColour(background, '#000000');
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    var onWhite = 1.05 / (luminance + 0.05);
    var onBlack = (luminance + 0.05) / (0.0116 + 0.05);
    return onWhite >= 4.5 || onWhite >= onBlack ? '#ffffff' : '#111111';
  }

  // Web addresses and bare domains (amtamassage.org) become links; only http and https.
  var LINK = /\bhttps?:\/\/[^\s<>"']+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|edu|gov|info|health|io|co|uk|ca|au|nz|ie)\b(?:\/[^\s<>"']*)?/gi;

  function safeUrl(text) {
    try {
      var url = new URL(/^https?:\/\//i.test(text) ? text : 'https://' + text);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function appendLinkified(parent, text) {
    var last = 0;
    var match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      var start = match.index;
      var shown = match[0].replace(/[.,;:!?)\]]+$/, '');
      var href = text.charAt(start - 1) === '@' ? null : safeUrl(shown);
      if (!href || !shown) continue;
      parent.append(text.slice(last, start));
      parent.append(el('a', { href: href, target: '_blank', rel: 'noopener noreferrer' },
        [shown, srOnly(say('opens_in_new_tab'))]));
      last = start + shown.length;
      LINK.lastIndex = last;
    }
    parent.append(text.slice(last));
  }

  /** Bot text: paragraphs, "- " bullets, "1. " numbered items and indented bullets under them. */
  function renderText(text) {
    var fragment = document.createDocumentFragment();
    var paragraph = null;
    var list = null;
    var sublist = null;
    String(text).split(/\r?\n/).forEach(function (line) {
      var bullet = /^(\s*)[-•*]\s+(.*)$/.exec(line);
      var numbered = /^\s*(\d+)[.)]\s+(.*)$/.exec(line);
      var item;
      if (!line.trim()) {
        paragraph = list = sublist = null;
      } else if (bullet && bullet[1].length > 0 && list && list.lastElementChild) {
        if (!sublist) list.lastElementChild.append(sublist = el('ul'));
        appendLinkified(item = el('li'), bullet[2]);
        sublist.append(item);
        paragraph = null;
      } else if (bullet || numbered) {
        var tag = bullet ? 'UL' : 'OL';
        if (!list || list.tagName !== tag) {
          fragment.append(list = el(tag.toLowerCase()));
          if (numbered && numbered[1] !== '1') list.setAttribute('start', numbered[1]);
        }
        appendLinkified(item = el('li'), bullet ? bullet[2] : numbered[2]);
        list.append(item);
        paragraph = sublist = null;
      } else {
        if (paragraph) paragraph.append(el('br'));
        else fragment.append(paragraph = el('p'));
        list = sublist = null;
        appendLinkified(paragraph, line.trim());
      }
    });
    return fragment;
  }

  function asList(value) { return Array.isArray(value) ? value : []; }
  function asText(value) { return typeof value === 'string' || typeof value === 'number' ? String(value) : ''; }
  function capitalised(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

  // ---- the assessment summary card ---------------------------------------------------
  function renderAssessment(result, forPrint) {
    var advice = result.triage_advice || {};
    var triageColour = hexColour(advice.colour, '#444444');
    var titleId = newId('card');
    var card = el('article', { class: 'bpw-card', 'aria-labelledby': titleId });
    card.style.setProperty('--bpw-triage', triageColour);
    card.style.setProperty('--bpw-on-triage', textOn(triageColour));

    card.append(el('p', { class: 'bpw-card-kicker', text: say('card_kicker') }));
    card.append(el('h3', { class: 'bpw-triage', id: titleId, text: asText(advice.title) || say('card_title') }));
    if (asText(advice.action)) card.append(el('p', { class: 'bpw-action', text: asText(advice.action) }));

    var reasons = asList(result.triage_reasons).map(asText).filter(Boolean);
    if (reasons.length) {
      card.append(el('h4', { text: say('card_why') }));
      card.append(el('ul', {}, reasons.map(function (reason) { return el('li', { text: reason }); })));
    }

    var told = [];
    if (typeof result.pain_score === 'number') {
      told.push(say('summary_pain_score', { score: result.pain_score, severity: asText(result.severity) }));
    } else if (asText(result.severity)) {
      told.push(say('summary_severity', { severity: result.severity }));
    }
    if (result.duration && asText(result.duration.text)) {
      told.push(say('summary_duration', { duration: result.duration.text, category: asText(result.duration.category) }));
    }
    if (asText(result.treatment_told)) told.push(result.treatment_told);
    if (told.length) card.append(el('p', { class: 'bpw-told', text: say('summary_facts', { facts: told.join(', ') }) }));

    var culprits = asList(result.culprits).filter(function (c) { return c && asText(c.name); });
    if (culprits.length) {
      card.append(el('h4', { text: say('card_muscles') }));
      card.append(el('ol', { class: 'bpw-culprits' }, culprits.map(function (culprit) {
        var item = el('li', {}, [el('strong', { text: capitalised(asText(culprit.name)) })]);
        if (asText(culprit.where)) item.append(el('span', { text: ': ' + culprit.where }));
        if (asText(culprit.why)) item.append(el('p', { text: say('muscle_why', { why: culprit.why }) }));
        var why = asList(culprit.reasons).map(asText).filter(Boolean);
        if (why.length) item.append(el('ul', {}, why.map(function (reason) { return el('li', { text: reason }); })));
        return item;
      })));
    }

    if (asText(result.course_of_care)) card.append(el('p', { class: 'bpw-course', text: result.course_of_care }));

    var notes = asList(result.therapist_notes).map(asText).filter(Boolean);
    if (notes.length) {
      card.append(el('h4', { text: say('card_tell_therapist') }));
      card.append(el('ul', { class: 'bpw-notes' }, notes.map(function (note) { return el('li', { text: note }); })));
    }

    var steps = asList(result.suggestions).map(function (s) { return asText(s && s.text); }).filter(Boolean);
    if (steps.length) {
      card.append(el('h4', { text: say('card_next_steps') }));
      card.append(el('ul', { class: 'bpw-steps' }, steps.map(function (step) {
        var item = el('li');
        appendLinkified(item, step);
        return item;
      })));
    }

    if (asText(result.disclaimer)) card.append(el('p', { class: 'bpw-disclaimer', text: result.disclaimer }));
    if (!forPrint) {
      var print = el('button', { type: 'button', class: 'bpw-print' }, [say('print')]);
      print.addEventListener('click', function () { printSummary(result); });
      card.append(print);
    }
    return card;
  }

  /** A printable sheet of the summary alone (see @media print in widget.css), for the client's therapist. */
  function printSummary(result) {
    Array.prototype.forEach.call(document.querySelectorAll('.bpw-print-sheet'), function (old) { old.remove(); });
    var heading = say('print_heading', { clinic_name: clinicName(), date: new Date().toLocaleDateString() });
    var sheet = el('div', { class: 'bpw-print-sheet' }, [el('p', { class: 'bpw-print-head', text: heading }),
      renderAssessment(result, true)]);
    document.body.append(sheet);
    document.documentElement.classList.add('bpw-printing');
    window.addEventListener('afterprint', function () {
      sheet.remove();
      document.documentElement.classList.remove('bpw-printing');
    }, { once: true });
    window.print();
  }

  // ---- the widget's frame ----------------------------------------------------------
  var panelId = newId('panel');
  var titleId = newId('title');
  var inputId = newId('input');
  var root = el('div', { class: 'bpw-root' });
  root.hidden = true; // until widget.css has loaded
  root.style.setProperty('--bpw-accent', hexColour(config.colour, '#1d5c63'));
  root.style.setProperty('--bpw-on-accent', textOn(config.colour));

  var launcher = el('button', { type: 'button', class: 'bpw-launcher', 'aria-controls': panelId,
    'aria-expanded': 'false' });
  var newChat = el('button', { type: 'button', class: 'bpw-head-button' });
  var close = el('button', { type: 'button', class: 'bpw-head-button' });
  var log = el('div', { class: 'bpw-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
    tabindex: '0' });
  var typing = el('div', { class: 'bpw-typing', 'aria-hidden': 'true' }, [el('span'), el('span'), el('span')]);
  typing.hidden = true;
  var status = el('p', { class: 'bpw-status', role: 'status' });
  var input = el('input', { id: inputId, class: 'bpw-input', type: 'text', maxlength: '1000', autocomplete: 'off',
    enterkeyhint: 'send' });
  var inputLabel = el('label', { class: 'bpw-sr', for: inputId });
  var sendButton = el('button', { type: 'submit', class: 'bpw-send' });
  var form = el('form', { class: 'bpw-form', novalidate: '' }, [inputLabel, input, sendButton]);
  var choices = el('div', { class: 'bpw-choices', role: 'group' });
  choices.hidden = true;
  var mapArea = el('div', { class: 'bpw-map', role: 'group' });
  mapArea.hidden = true;
  var panelTitle = el('h2', { id: titleId });
  var clinicLine = el('p');
  var greetingBubble = null;
  var panel = el('section', { id: panelId, class: 'bpw-panel', 'aria-labelledby': titleId }, [
    el('header', { class: 'bpw-header' }, [
      el('div', { class: 'bpw-heading' }, [panelTitle, clinicLine]),
      newChat, close
    ]),
    log, typing, status, form, choices, mapArea
  ]);
  panel.hidden = true;
  root.append(launcher, panel);

  /** Put the current wording on the frame (again when the server's wording arrives). */
  function relabel() {
    launcher.textContent = say('launcher');
    newChat.textContent = say('new_chat');
    newChat.setAttribute('aria-label', say('new_chat_label'));
    close.textContent = say('close');
    close.setAttribute('aria-label', say('close_label'));
    log.setAttribute('aria-label', say('conversation_label'));
    inputLabel.textContent = say('message_label');
    sendButton.textContent = say('send');
    choices.setAttribute('aria-label', say('choices_label'));
    mapArea.setAttribute('aria-label', say('body_map_label'));
    panelTitle.textContent = say('title');
    clinicLine.textContent = clinicName();
    clinicLine.hidden = !clinicName();
    if (greetingBubble && !config.greeting) greetingBubble.replaceWith(greetingBubble = greetingNode());
  }
  relabel();

  // ---- conversation state ------------------------------------------------------------
  var sessionId = local.getItem(SESSION_KEY);
  var transcript = loadTranscript(sessionId);
  var socket = null;
  var confirmed = false;
  var outbox = [];
  var typingTimer = null;

  function scrollToEnd() { log.scrollTop = log.scrollHeight; }

  /** The greeting bubble: the page's own (data-greeting) or the server's wording. */
  function greetingNode() {
    return el('div', { class: 'bpw-msg bpw-msg--bot' }, [srOnly(say('assistant_said')),
      renderText(config.greeting || say('greeting'))]);
  }

  function renderEntry(entry) {
    var bubble;
    if (entry.body_map) return; // drawn below the message box while its question is open
    if (entry.who === 'user') {
      bubble = el('div', { class: 'bpw-msg bpw-msg--user' }, [srOnly(say('you_said')), el('p', { text: asText(entry.text) })]);
    } else if (entry.assessment && typeof entry.assessment === 'object') {
      bubble = el('div', { class: 'bpw-msg bpw-msg--card' }, [renderAssessment(entry.assessment, false)]);
    } else {
      bubble = el('div', { class: 'bpw-msg bpw-msg--bot' }, [srOnly(say('assistant_said')), renderText(asText(entry.text))]);
      var replies = asList(entry.quick_replies);
      if (replies.length) {
        bubble.append(srOnly(say('buttons_below', { titles: replies.map(function (r) { return r.title; }).join('; ') })));
      }
    }
    log.append(bubble);
  }

  function showChoices(replies) {
    choices.replaceChildren();
    replies.forEach(function (reply) {
      var button = el('button', { type: 'button', class: 'bpw-choice' }, [reply.title]);
      button.addEventListener('click', function () {
        send(reply.payload, reply.title);
        input.focus();
      });
      choices.append(button);
    });
    choices.hidden = replies.length === 0;
  }

  // ---- the body map: "where does it hurt" answered with taps (zones: bot/knowledge/body_map.yml)
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }

  function mapZones(map) {
    return asList(map && map.zones).filter(function (zone) {
      return zone && asText(zone.key) && asText(zone.name) && asList(zone.shape).length === 4;
    });
  }

  /** The figure with its zones as real buttons over it; `onDone` gets the chosen zones. */
  function drawBodyMap(map, onDone) {
    var box = asList(map.view_box).map(Number);
    var chosen = [];
    var figure = svg('svg', { viewBox: box.join(' '), class: 'bpw-map-figure', 'aria-hidden': 'true',
      focusable: 'false' });
    asList(map.figures).forEach(function (part) {
      figure.append(svg('path', { d: asText(part.outline), class: 'bpw-map-outline' }));
      var at = asList(part.label_at);
      var label = svg('text', { x: asText(at[0]), y: asText(at[1]), class: 'bpw-map-label' });
      label.textContent = asText(part.label);
      figure.append(label);
    });
    var stage = el('div', { class: 'bpw-map-stage' }, [figure]);
    stage.style.setProperty('aspect-ratio', box[2] + ' / ' + box[3]);
    var summary = el('p', { class: 'bpw-map-chosen', 'aria-live': 'polite' });
    var done = el('button', { type: 'button', class: 'bpw-map-done', text: say('body_map_done') });
    var clear = el('button', { type: 'button', class: 'bpw-map-clear', text: say('body_map_clear') });
    var buttons = mapZones(map).map(function (zone) {
      var shape = zone.shape.map(Number);
      var button = el('button', { type: 'button', class: 'bpw-zone', 'data-zone': asText(zone.location),
        'data-key': asText(zone.key), 'aria-pressed': 'false', title: asText(zone.name) },
        [el('span', { class: 'bpw-sr', text: asText(zone.name) })]);
      if (asText(zone.side)) button.setAttribute('data-side', asText(zone.side));
      button.style.setProperty('left', (100 * (shape[0] - box[0]) / box[2]) + '%');
      button.style.setProperty('top', (100 * (shape[1] - box[1]) / box[3]) + '%');
      button.style.setProperty('width', (100 * shape[2] / box[2]) + '%');
      button.style.setProperty('height', (100 * shape[3] / box[3]) + '%');
      button.addEventListener('click', function () {
        var at = chosen.indexOf(zone);
        if (at < 0) chosen.push(zone); else chosen.splice(at, 1);
        button.setAttribute('aria-pressed', at < 0 ? 'true' : 'false');
        update();
      });
      stage.append(button);
      return button;
    });
    function update() {
      summary.textContent = chosen.length ? say('body_map_chosen', {
        names: chosen.map(function (zone) { return zone.name; }).join(', ') }) : say('body_map_none');
      done.disabled = !chosen.length;
      clear.disabled = !chosen.length;
    }
    clear.addEventListener('click', function () {
      chosen = [];
      buttons.forEach(function (button) { button.setAttribute('aria-pressed', 'false'); });
      update();
    });
    done.addEventListener('click', function () { if (chosen.length) onDone(chosen.slice()); });
    update();
    return [el('p', { class: 'bpw-map-title', text: say('body_map_title') }), stage, summary,
      el('div', { class: 'bpw-map-actions' }, [clear, done])];
  }

  /** Offer the map for the open question, or take it away (any message sent does). */
  function showBodyMap(on) {
    var map = words.body_map;
    mapArea.replaceChildren();
    mapArea.hidden = !(on && mapZones(map).length);
    if (mapArea.hidden) return;
    mapArea.append.apply(mapArea, drawBodyMap(map, function (zones) {
      var keys = zones.map(function (zone) { return zone.key; });
      // Sent in the map's order, as the server reads it back; shown in the client's own words.
      var names = zones.map(function (zone) { return zone.name; });
      send('/body_map' + JSON.stringify({ zones: keys }),
        names[0] + names.slice(1).map(function (name) { return ', ' + name.charAt(0).toLowerCase() + name.slice(1); }).join(''));
      input.focus();
    }));
  }

  function addEntry(entry) {
    transcript.push(entry);
    if (transcript.length > MAX_ENTRIES) transcript.splice(0, transcript.length - MAX_ENTRIES);
    saveTranscript();
    renderEntry(entry);
    if (entry.who === 'user') { showChoices([]); showBodyMap(false); }
    else if (entry.body_map) showBodyMap(true);
    else if (!entry.assessment) showChoices(asList(entry.quick_replies));
    scrollToEnd();
  }

  function setTyping(on) {
    typing.hidden = !on;
    window.clearTimeout(typingTimer);
    if (on) typingTimer = window.setTimeout(function () { typing.hidden = true; }, TYPING_TIMEOUT_MS);
  }

  function setStatus(text) { status.textContent = text; }

  function quickReplies(value) {
    return asList(value).filter(function (r) {
      return r && typeof r.title === 'string' && typeof r.payload === 'string' && r.title.trim();
    }).slice(0, 10).map(function (r) { return { title: r.title, payload: r.payload }; });
  }

  function onBotMessage(message) {
    if (!message || typeof message !== 'object') return;
    setTyping(false);
    if (message.assessment && typeof message.assessment === 'object') {
      addEntry({ who: 'bot', assessment: message.assessment });
    } else if (message.body_map && typeof message.body_map === 'object') {
      addEntry({ who: 'bot', body_map: true });
    } else if (typeof message.text === 'string' && message.text.trim()) {
      addEntry({ who: 'bot', text: message.text, quick_replies: quickReplies(message.quick_replies) });
    }
  }

  function flush() {
    while (socket && confirmed && outbox.length) {
      socket.emit('user_uttered', { message: outbox.shift(), session_id: sessionId });
    }
  }

  function send(payload, shown) {
    addEntry({ who: 'user', text: shown });
    outbox.push(payload);
    setTyping(true);
    connect();
    flush();
  }

  // ---- the socket.io connection ------------------------------------------------------
  var socketLibrary = null;
  function loadSocketLibrary() {
    if (!socketLibrary) {
      socketLibrary = new Promise(function (resolve, reject) {
        if (typeof window.io === 'function') { resolve(); return; }
        var tag = el('script', { src: new URL('vendor/socket.io.min.js', base).href });
        tag.addEventListener('load', function () { resolve(); });
        tag.addEventListener('error', function () { reject(new Error('socket.io did not load')); });
        document.head.append(tag);
      });
    }
    return socketLibrary;
  }

  function connect() {
    if (socket) return;
    loadSocketLibrary().then(function () {
      if (socket) return;
      setStatus(say('status_connecting'));
      socket = window.io(config.server, { path: config.socketPath, reconnectionDelayMax: 10000 });
      socket.on('connect', function () {
        confirmed = false;
        socket.emit('session_request', { session_id: sessionId });
      });
      socket.on('session_confirm', function (confirmedId) {
        var id = typeof confirmedId === 'string' ? confirmedId : confirmedId && confirmedId.session_id;
        if (!id) return;
        if (id !== sessionId) {
          sessionId = id;
          local.setItem(SESSION_KEY, id);
          saveTranscript();
        }
        confirmed = true;
        setStatus('');
        flush();
      });
      socket.on('bot_uttered', onBotMessage);
      socket.on('disconnect', function () {
        confirmed = false;
        setStatus(say('status_lost'));
      });
      socket.on('connect_error', function () {
        setStatus(say('status_unreachable'));
      });
    }, function () {
      setStatus(say('status_failed'));
    });
  }

  function startNewChat() {
    if (sessionId) local.removeItem(transcriptKey(sessionId));
    local.removeItem(SESSION_KEY);
    sessionId = null;
    transcript = [];
    outbox = [];
    setTyping(false);
    showChoices([]);
    showBodyMap(false);
    log.replaceChildren();
    log.append(greetingBubble = greetingNode());
    if (socket) {
      socket.disconnect();
      socket = null;
      confirmed = false;
    }
    connect();
    setStatus(say('status_new_chat'));
    input.focus();
  }

  // ---- opening and closing -----------------------------------------------------------
  function open(restoring) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute('aria-expanded', 'true');
    perTab.setItem(OPEN_KEY, '1');
    connect();
    scrollToEnd();
    if (!restoring) input.focus();
  }

  function shut() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute('aria-expanded', 'false');
    perTab.removeItem(OPEN_KEY);
    launcher.focus();
  }

  launcher.addEventListener('click', function () { open(false); });
  close.addEventListener('click', shut);
  newChat.addEventListener('click', startNewChat);
  panel.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') shut();
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    send(text, text);
  });

  // History first, before the log is in the page, so a reload does not read it all out again.
  log.append(greetingBubble = greetingNode());
  transcript.forEach(renderEntry);
  var lastEntry = transcript[transcript.length - 1];
  if (lastEntry && lastEntry.body_map) {
    lastEntry = transcript[transcript.length - 2];
    showBodyMap(true);
  }
  if (lastEntry && lastEntry.who === 'bot' && !lastEntry.assessment) showChoices(asList(lastEntry.quick_replies));

  // Shown once its stylesheet is in; reopened without taking the focus if it was open before a reload.
  function reveal() {
    root.hidden = false;
    if (perTab.getItem(OPEN_KEY)) open(true);
  }
  var stylesheet = el('link', { rel: 'stylesheet', href: new URL('widget.css', base).href });
  stylesheet.addEventListener('load', reveal, { once: true });
  stylesheet.addEventListener('error', reveal, { once: true });
  document.head.append(stylesheet);
  document.body.append(root);
  loadSocketLibrary().catch(function () { /* reported when the chat is opened */ });
  fetchWords();
})();
