// The scenarios. Each gets a Scenario (lib/harness.mjs) and opens its own
// browser contexts, so none depends on cookies left by another. Every page
// is reached through t.goto or t.navigate, which run axe on it.

import assert from 'node:assert/strict';

const DEMO_PASSWORD = 'entraide-demo';
const DEMO_ADMIN = 'admin@demo.entraide.test';
const DEMO_NEIGHBOUR = 'voisine@demo.entraide.test';
const DEMO_VOLUNTEER = 'benevole@demo.entraide.test';
const DEMO_SOCIAL_WORKER = 'travailleuse.sociale@demo.entraide.test';
const DEMO_COORDINATOR = 'coordination@demo.entraide.test';
const DEMO_PIN_LOGIN = 'momo-1953';
const DEMO_PIN = '246810';
const VISITS_ORG = 'Jeunes et Anciens du 11e';
const VISITS_PROGRAMME = 'Visites de convivialité';
const TIME_BANK_ORG = 'Les Voisins de Timbaud';
const CCAS_ORG = 'CCAS Paris 11e';

let counter = 0;
function uniqueEmail(prefix) {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}@example.test`;
}

/** Path and query of the page's URL, e.g. "/me?done=profile-saved". */
function here(page) {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

async function mainText(page) {
  return page.locator('main').innerText();
}

async function expectNotice(page, text) {
  const notice = page.locator('main .notice[role=status]');
  assert.equal(await notice.count(), 1, `expected one status notice on ${page.url()}`);
  assert.match(await notice.innerText(), new RegExp(escape(text)), `notice on ${page.url()}`);
}

async function expectHeading(page, text) {
  assert.equal((await page.locator('h1').innerText()).trim(), text, `h1 on ${page.url()}`);
}

async function expectSignedIn(page, name) {
  const link = page.locator('header').getByRole('link', { name: /^Mon profil|^My profile/ });
  assert.equal(await link.count(), 1, `expected to be signed in on ${page.url()}`);
  if (name) assert.match(await link.innerText(), new RegExp(escape(name)));
}

async function expectSignedOut(page) {
  const header = page.locator('header');
  assert.equal(await header.getByRole('link', { name: 'Se connecter', exact: true }).count(), 1,
    `expected the sign-in link on ${page.url()}`);
  assert.equal(await header.getByRole('link', { name: /^Mon profil/ }).count(), 0,
    `expected to be signed out on ${page.url()}`);
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Fills and sends the sign-up form from the current page (/signup). */
async function signUp(t, page, { name, email, password }, { status = 200 } = {}) {
  await page.getByLabel('Nom affiché', { exact: true }).fill(name);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  return t.navigate(page, () => page.getByRole('button', { name: 'Créer mon compte', exact: true }).click(),
    { status, what: 'sign-up form' });
}

/** The profile choices the sign-up scenarios make, by fieldset and label. */
const CHOICES = {
  skills: ['Bricolage et petits travaux', 'Aide au numérique'],
  interests: ['Jardinage', 'Lecture'],
  languages: ['Arabe', 'Français'],
  availability: ['Mardi soir', 'Samedi matin'],
};
const VISIBILITY = 'Mes voisins sur Entraide';

/** On /me/edit: ticks CHOICES, sets the visibility and a bio, saves. */
async function fillAndSaveProfile(t, page) {
  await page.getByLabel('Présentation', { exact: true }).fill('Je peux aider le soir en semaine.');
  for (const [field, labels] of Object.entries(CHOICES)) {
    const fieldset = page.locator(`fieldset#f-${field}`);
    for (const label of labels) await fieldset.getByLabel(label, { exact: true }).check();
  }
  await page.locator('fieldset#f-visibility').getByLabel(VISIBILITY, { exact: true }).check();
  await t.navigate(page, () => page.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
    { what: 'profile form' });
  assert.equal(here(page), '/me?done=profile-saved');
  await expectNotice(page, 'Profil enregistré.');
}

/** On /me: every choice appears in the profile facts. */
async function expectProfileShowsChoices(page) {
  const facts = await page.locator('dl.facts').first().innerText();
  for (const labels of Object.values(CHOICES)) {
    for (const label of labels) assert.match(facts, new RegExp(escape(label)), `/me lists "${label}"`);
  }
  assert.match(await mainText(page), /Je peux aider le soir en semaine\./);
}

/** Signs in through /login with a demo account; ends on the home page. */
async function signIn(t, page, email) {
  await t.goto(page, '/login');
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
  await t.navigate(page, () => page.locator('main').getByRole('button', { name: 'Se connecter', exact: true }).click(),
    { what: 'sign-in form' });
  assert.equal(here(page), '/');
}

const API_TIMEOUT_MS = 10_000;

/**
 * Calls the JSON API from the test itself, for set-up the pages do not
 * offer (or that would only slow the scenario down). Returns the parsed body.
 */
async function api(t, method, path, { token, body, status = 200 } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(t.url(`/api/v1${path}`), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(API_TIMEOUT_MS),
  });
  const text = await response.text();
  assert.equal(response.status, status, `${method} /api/v1${path}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** An API token for a demo account. */
async function apiToken(t, email) {
  const { token } = await api(t, 'POST', '/login', { body: { email, password: DEMO_PASSWORD } });
  assert.ok(token, `a token for ${email}`);
  return token;
}

/** Minutes as the time bank writes them: «−1 h 05». */
function duration(minutes) {
  const m = Math.abs(minutes);
  return `${minutes < 0 ? '−' : ''}${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`;
}

/** `YYYY-MM-DD`, `days` from today. */
function daysFromNow(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** On an exchange's page: its state, as written in bold under the title. */
async function exchangeState(page) {
  return (await page.locator('main p.meta strong').innerText()).trim();
}

/** On an exchange's page (owner side): the line of one participant. */
function participant(page, personId) {
  return page.locator('main ul.participants > li').filter({ has: page.locator(`a[href="/people/${personId}"]`) });
}

/** The id at the end of "/exchanges/12" or "/people/34". */
function idIn(path) {
  return Number(path.split('?')[0].split('/').pop());
}

/** Opens the demo visits programme from the header, as anyone signed in. */
async function openProgramme(t, page) {
  await t.navigate(page, () => page.locator('header').getByRole('link', { name: 'Organisations', exact: true }).click());
  assert.equal(here(page), '/orgs');
  // A member sees the association twice (their organisations, then all).
  await t.navigate(page, () => page.locator('main').getByRole('link', { name: VISITS_ORG, exact: true }).first().click());
  assert.match(here(page), /^\/orgs\/\d+$/);
  await t.navigate(page, () => page.locator('main').getByRole('link', { name: VISITS_PROGRAMME, exact: true }).click());
  assert.match(here(page), /^\/programmes\/\d+$/);
  await expectHeading(page, VISITS_PROGRAMME);
  return new URL(page.url()).pathname;
}

/** On a programme page (coordinator side): the rows of "Binômes en cours". */
function pairRows(page) {
  return page.locator('main section[aria-labelledby=pairs-title] tbody tr');
}

/** The row of one pair, by the names of the visitor and the person visited. */
function pairRow(page, visitor, visited) {
  return pairRows(page)
    .filter({ has: page.locator('td:nth-child(1)', { hasText: new RegExp(`^${escape(visitor)}$`) }) })
    .filter({ has: page.locator('td:nth-child(2)', { hasText: new RegExp(`^${escape(visited)}$`) }) });
}

/** On a programme page: the line of one visitor, by name. */
function visitorLine(page, name) {
  return page.locator('main section[aria-labelledby=visitors-title] li')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** On a match page: the card of one proposed visitor, by name. */
function visitorCard(page, name) {
  return page.locator('main ol.matches > li')
    .filter({ has: page.locator('h2', { hasText: new RegExp(`^${escape(name)}$`) }) });
}

/**
 * On a programme page: the people visited with no pair yet, as
 * { name, link } where link is their "Proposer des visiteurs" link.
 */
async function unpairedVisited(page) {
  const out = [];
  for (const item of await page.locator('main section[aria-labelledby=visited-title] li').all()) {
    if (!/— 0 binôme\(s\)/.test(await item.innerText())) continue;
    const link = item.getByRole('link', { name: /^Proposer des visiteurs — / });
    const name = (await link.textContent()).replace(/^Proposer des visiteurs — /, '').trim();
    out.push({ name, link });
  }
  return out;
}

export const scenarios = [
  {
    name: 'sign-up and profile',
    async run(t) {
      const page = await t.newPage();
      await t.goto(page, '/');
      await t.navigate(page, () => page.locator('header').getByRole('link', { name: 'Créer un compte', exact: true }).click());
      assert.equal(here(page), '/signup');
      await expectHeading(page, 'Créer un compte');

      const email = uniqueEmail('camille');
      await signUp(t, page, { name: 'Camille', email, password: 'une phrase assez longue' });
      assert.equal(here(page), '/me/edit?done=welcome');
      await expectNotice(page, 'Bienvenue !');
      await expectSignedIn(page, 'Camille');
      assert.equal(await page.getByLabel('Nom affiché', { exact: true }).inputValue(), 'Camille');

      await fillAndSaveProfile(t, page);
      await expectProfileShowsChoices(page);
      assert.match(await mainText(page), new RegExp(escape(email)));
      // app.js ran (under the CSP): it reveals the "use my position" button.
      assert.equal(await page.locator('button[data-locate]').isVisible(), true,
        'app.js should reveal the locate button');

      // The edit form shows what was saved.
      await t.navigate(page, () => page.getByRole('link', { name: 'Modifier mon profil', exact: true }).click());
      assert.equal(here(page), '/me/edit');
      for (const [field, labels] of Object.entries(CHOICES)) {
        for (const label of labels) {
          assert.equal(await page.locator(`fieldset#f-${field}`).getByLabel(label, { exact: true }).isChecked(), true,
            `${field} "${label}" still ticked`);
        }
      }
      assert.equal(await page.locator('fieldset#f-visibility').getByLabel(VISIBILITY).isChecked(), true);
      assert.equal(await page.locator('input[name=availability][value=tue-evening]').isChecked(), true);
      assert.equal(await page.locator('input[name=availability][value=mon-morning]').isChecked(), false);

      // The account pages linked from the profile.
      await t.goto(page, '/me');
      for (const [link, path] of [
        ["Ce qui a été fait sur mon compte", '/me/activity'],
        ["Jetons d'accès à l'API", '/me/tokens'],
        ['Supprimer mon compte', '/me/delete'],
      ]) {
        await t.navigate(page, () => page.locator('main').getByRole('link', { name: link, exact: true }).click());
        assert.equal(here(page), path);
        await expectHeading(page, link);
        await t.goto(page, '/me');
      }

      await t.navigate(page, () => page.locator('header').getByRole('button', { name: 'Se déconnecter', exact: true }).click());
      await expectSignedOut(page);
    },
  },

  {
    name: 'bad sign-up and keyboard',
    async run(t) {
      const page = await t.newPage();
      await t.goto(page, '/signup');

      // The skip link is the first stop and sends focus to the main content.
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => ({
        className: document.activeElement.className,
        href: document.activeElement.getAttribute('href'),
        text: document.activeElement.textContent.trim(),
        left: document.activeElement.getBoundingClientRect().left,
      }));
      assert.deepEqual({ className: first.className, href: first.href, text: first.text },
        { className: 'skip-link', href: '#main', text: 'Aller au contenu' }, 'first focusable element');
      assert.ok(first.left >= 0, 'the skip link is on screen when focused');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'focus after the skip link');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'f-display_name',
        'the next Tab goes to the first field');

      // Empty name, bad address, short password.
      await signUp(t, page, { name: '', email: 'pas-une-adresse', password: 'court' }, { status: 422 });
      assert.equal(here(page), '/signup');
      const summary = page.locator('.error-summary[role=alert]');
      assert.equal(await summary.count(), 1, 'one error summary');
      assert.equal(await summary.locator('h2').innerText(), 'Il y a un problème');
      const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual([...links].sort(), ['#f-display_name', '#f-email', '#f-password']);
      for (const href of links) {
        const field = page.locator(href);
        assert.equal(await field.count(), 1, `${href} exists`);
        assert.equal(await field.getAttribute('aria-invalid'), 'true', `${href} is marked invalid`);
        const describedBy = await field.getAttribute('aria-describedby');
        assert.equal(await page.locator(`#${describedBy}`).count(), 1, `${href} describes its error`);
      }
      // app.js moves focus to the summary so that it is read out.
      assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
      // A summary link takes the person to the field.
      await summary.getByRole('link').filter({ hasText: /adresse e-mail/ }).click();
      assert.equal(await page.evaluate(() => document.activeElement.id), 'f-email', 'focus after the summary link');
      assert.equal(await page.getByLabel('Adresse e-mail', { exact: true }).inputValue(), 'pas-une-adresse',
        'the typed address is kept');
      await expectSignedOut(page);

      // Nothing was created: the profile still asks to sign in.
      await t.goto(page, '/me');
      assert.equal(here(page), '/login?next=%2Fme');
    },
  },

  {
    name: 'language switch',
    async run(t) {
      const page = await t.newPage();
      await t.goto(page, '/');
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
      assert.match(await mainText(page), /Que puis-je faire ici \?/);

      const toEnglish = page.locator('header').getByRole('link', { name: 'English', exact: true });
      assert.equal(await toEnglish.getAttribute('lang'), 'en', 'the link is marked as English');
      await t.navigate(page, () => toEnglish.click());
      assert.equal(here(page), '/');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.match(await mainText(page), /What can I do here\?/);
      assert.doesNotMatch(await mainText(page), /Que puis-je faire ici/);

      // The choice holds on the next page, over the browser's French.
      await t.navigate(page, () => page.locator('header').getByRole('link', { name: 'Create an account', exact: true }).click());
      assert.equal(here(page), '/signup');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await expectHeading(page, 'Create an account');

      const toFrench = page.locator('header').getByRole('link', { name: 'Français', exact: true });
      assert.equal(await toFrench.getAttribute('lang'), 'fr');
      await t.navigate(page, () => toFrench.click());
      assert.equal(here(page), '/signup', 'back on the same page');
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
      await expectHeading(page, 'Créer un compte');

      await t.goto(page, '/');
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
      assert.match(await mainText(page), /Que puis-je faire ici \?/);
    },
  },

  {
    name: 'admin, organisations and PIN sign-in',
    async run(t) {
      const page = await t.newPage();
      await signIn(t, page, DEMO_ADMIN);
      await expectSignedIn(page);

      await t.navigate(page, () => page.locator('header').getByRole('link', { name: 'Administration', exact: true }).click());
      assert.equal(here(page), '/admin');
      await expectHeading(page, 'Administration');

      await t.navigate(page, () => page.locator('main').getByRole('link', { name: 'Personnes', exact: true }).click());
      assert.equal(here(page), '/admin/people');
      await page.getByLabel('Rechercher un nom, une adresse ou un identifiant').fill('voisine');
      await t.navigate(page, () => page.locator('main').getByRole('button', { name: 'Rechercher', exact: true }).click());
      assert.equal(here(page), '/admin/people?q=voisine');
      assert.match(await mainText(page), new RegExp(escape(DEMO_NEIGHBOUR)));

      await t.goto(page, '/admin');
      await t.navigate(page, () => page.locator('main').getByRole('link', { name: 'Journal de sécurité', exact: true }).click());
      assert.equal(here(page), '/admin/audit');

      await t.navigate(page, () => page.locator('header').getByRole('link', { name: 'Organisations', exact: true }).click());
      assert.equal(here(page), '/orgs');
      const firstOrg = page.locator('main ul.orgs a').first();
      const orgName = await firstOrg.innerText();
      await t.navigate(page, () => firstOrg.click());
      assert.match(here(page), /^\/orgs\/\d+$/);
      await expectHeading(page, orgName);
      const orgPath = here(page);
      await t.navigate(page, () => page.locator('main').getByRole('link', { name: 'Membres', exact: true }).click());
      assert.equal(here(page), `${orgPath}/members`);
      assert.ok(await page.locator('main table tbody tr').count() > 0, 'members are listed');

      await t.goto(page, '/orgs');
      await t.navigate(page, () => page.locator('main').getByRole('link', { name: 'Créer une organisation', exact: true }).click());
      assert.equal(here(page), '/orgs/new');

      await t.navigate(page, () => page.locator('footer').getByRole('link', { name: 'API', exact: true }).click());
      assert.equal(here(page), '/api/docs');

      // A neighbour may not open the administration.
      const neighbour = await t.newPage();
      await signIn(t, neighbour, DEMO_NEIGHBOUR);
      assert.equal(await neighbour.locator('header').getByRole('link', { name: 'Administration', exact: true }).count(), 0);
      await t.goto(neighbour, '/admin', { status: 403 });

      // PIN account: a wrong PIN first, then the right one.
      const pin = await t.newPage();
      await t.goto(pin, '/');
      await t.navigate(pin, () => pin.locator('main').getByRole('link', { name: /code PIN/ }).click());
      assert.equal(here(pin), '/login/pin');
      await expectHeading(pin, 'Connexion avec code PIN');
      await pin.getByLabel('Identifiant', { exact: true }).fill(DEMO_PIN_LOGIN);
      await pin.getByLabel('Code PIN', { exact: true }).fill('000000');
      await t.navigate(pin, () => pin.locator('main').getByRole('button', { name: 'Se connecter', exact: true }).click(),
        { status: 401, what: 'wrong PIN' });
      assert.equal(await pin.locator('.error-summary[role=alert]').count(), 1, 'a wrong PIN is reported');
      await expectSignedOut(pin);

      await pin.getByLabel('Identifiant', { exact: true }).fill(DEMO_PIN_LOGIN);
      await pin.getByLabel('Code PIN', { exact: true }).fill(DEMO_PIN);
      await t.navigate(pin, () => pin.locator('main').getByRole('button', { name: 'Se connecter', exact: true }).click(),
        { what: 'PIN sign-in' });
      assert.equal(here(pin), '/');
      await expectSignedIn(pin);
      await t.navigate(pin, () => pin.locator('header').getByRole('link', { name: /^Mon profil/ }).click());
      assert.equal(here(pin), '/me');
      assert.match(await mainText(pin), new RegExp(escape(DEMO_PIN_LOGIN)));
    },
  },

  {
    name: 'organisation management',
    async run(t) {
      const page = await t.newPage();
      await t.goto(page, '/signup');
      await signUp(t, page, { name: 'Nadia', email: uniqueEmail('nadia'), password: 'une association de quartier' });
      assert.equal(here(page), '/me/edit?done=welcome');

      await t.navigate(page, () => page.locator('header').getByRole('link', { name: 'Organisations', exact: true }).click());
      await t.navigate(page, () => page.locator('main').getByRole('link', { name: 'Créer une organisation', exact: true }).click());
      assert.equal(here(page), '/orgs/new');

      // Without a name the form is refused and says why.
      await t.navigate(page, () => page.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
        { status: 422, what: 'empty organisation form' });
      assert.equal(await page.locator('.error-summary[role=alert] a[href="#f-name"]').count(), 1);

      const orgName = `Voisins de la rue ${Date.now().toString(36)}`;
      await page.getByLabel("Nom de l'organisation", { exact: true }).fill(orgName);
      await page.locator('fieldset#f-kind').getByLabel('Association', { exact: true }).check();
      await page.getByLabel('Description', { exact: true }).fill('Courses et petits services.');
      await t.navigate(page, () => page.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
        { what: 'organisation form' });
      assert.match(here(page), /^\/orgs\/\d+\?done=org-created$/);
      await expectNotice(page, 'Organisation créée.');
      await expectHeading(page, orgName);
      const orgPath = new URL(page.url()).pathname;

      await t.navigate(page, () => page.getByRole('link', { name: "Modifier l'organisation", exact: true }).click());
      assert.equal(here(page), `${orgPath}/edit`);
      assert.equal(await page.getByLabel("Nom de l'organisation", { exact: true }).inputValue(), orgName);
      await t.navigate(page, () => page.getByRole('button', { name: 'Enregistrer', exact: true }).click());
      await expectNotice(page, 'Organisation enregistrée.');

      // Members: an invitation link, then the join page it leads to.
      await t.navigate(page, () => page.locator('main').getByRole('link', { name: 'Membres', exact: true }).click());
      assert.equal(here(page), `${orgPath}/members`);
      await t.navigate(page, () => page.getByRole('button', { name: "Créer un lien d'invitation", exact: true }).click(),
        { what: 'invitation form' });
      const link = (await page.locator('main .banner.success code').innerText()).trim();
      const joinPath = new URL(link).pathname;
      assert.match(joinPath, /^\/join\//);

      const guest = await t.newPage();
      await t.goto(guest, joinPath);
      assert.match(await mainText(guest), /Connectez-vous ou créez un compte/);
      await t.navigate(guest, () => guest.locator('main').getByRole('link', { name: 'Se connecter', exact: true }).click());
      await guest.getByLabel('Adresse e-mail', { exact: true }).fill(DEMO_NEIGHBOUR);
      await guest.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
      await t.navigate(guest, () => guest.locator('main').getByRole('button', { name: 'Se connecter', exact: true }).click());
      assert.equal(here(guest), joinPath, 'back on the invitation after signing in');
      await t.navigate(guest, () => guest.getByRole('button', { name: 'Rejoindre', exact: true }).click());
      await expectNotice(guest, "Vous avez rejoint l'organisation.");

      // Register a person without email: the PIN handout.
      await t.goto(page, orgPath);
      await t.navigate(page, () => page.getByRole('link', { name: 'Inscrire une personne', exact: true }).click());
      await page.getByLabel('Nom affiché', { exact: true }).fill('Marcel');
      await t.navigate(page, () => page.getByRole('button', { name: 'Inscrire', exact: true }).click(),
        { what: 'registration form' });
      await expectHeading(page, 'Fiche de connexion');
      assert.match(await page.locator('.handout').innerText(), /Marcel/);

      await t.goto(page, orgPath);
      await t.navigate(page, () => page.getByRole('link', { name: 'Importer des membres', exact: true }).click());
      assert.equal(here(page), `${orgPath}/import`);

      // A page that does not exist.
      await t.goto(page, '/orgs/999999', { status: 404 });
      await t.navigate(page, () => page.locator('main').getByRole('link', { name: "Retour à l'accueil", exact: true }).click());
      assert.equal(here(page), '/');
    },
  },

  {
    name: 'without JavaScript',
    async run(t) {
      const page = await t.newPage({ javaScriptEnabled: false });
      await t.goto(page, '/signup');

      await signUp(t, page, { name: '', email: 'pas-une-adresse', password: 'court' }, { status: 422 });
      assert.equal(await page.locator('.error-summary[role=alert]').count(), 1, 'error summary without JavaScript');
      assert.equal(await page.locator('.error-summary a').count(), 3);

      await signUp(t, page, { name: 'Sami', email: uniqueEmail('sami'), password: 'sans javascript du tout' });
      assert.equal(here(page), '/me/edit?done=welcome');
      await expectNotice(page, 'Bienvenue !');

      await fillAndSaveProfile(t, page);
      await expectProfileShowsChoices(page);
      // app.js did not run: the locate button stays hidden.
      assert.equal(await page.locator('button[data-locate]').isHidden(), true, 'JavaScript is really off');

      await t.navigate(page, () => page.locator('header').getByRole('link', { name: 'English', exact: true }).click());
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.equal(here(page), '/me?done=profile-saved');
    },
  },
  {
    name: 'exchange: post a need, see ranked helpers with reasons, invite, helper accepts, done',
    async run(t) {
      // Odette has a home near rue Jean-Pierre Timbaud: the need is placed there.
      const odette = await t.newPage();
      await signIn(t, odette, DEMO_NEIGHBOUR);
      await t.navigate(odette, () => odette.locator('header').getByRole('link', { name: 'Demandes et propositions', exact: true }).click());
      assert.equal(here(odette), '/exchanges');
      await t.navigate(odette, () => odette.locator('main').getByRole('link', { name: "Demander de l'aide", exact: true }).click());
      assert.equal(here(odette), '/exchanges/new?kind=need');
      await expectHeading(odette, 'Publier une demande ou une proposition');

      const title = 'Monter une étagère dans la cuisine';
      await odette.locator('fieldset#f-exchange_kind').getByLabel('Demande', { exact: true }).check();
      await odette.getByLabel('Catégorie', { exact: true }).selectOption({ label: 'Petits travaux et bricolage' });
      await odette.getByLabel('Titre', { exact: true }).fill(title);
      await odette.locator('fieldset#f-schedule').getByLabel('Une fois', { exact: true }).check();
      await odette.getByLabel('Date', { exact: true }).fill(daysFromNow(10));
      await odette.getByLabel('Heure de début', { exact: true }).fill('10:00');
      await odette.getByLabel('Heure de fin', { exact: true }).fill('12:00');
      await odette.locator('fieldset#f-skills').getByLabel('Bricolage et petits travaux', { exact: true }).check();
      await t.navigate(odette, () => odette.locator('main').getByRole('button', { name: 'Publier', exact: true }).click(),
        { what: 'exchange form' });
      assert.match(here(odette), /^\/exchanges\/\d+\?done=exchange-posted$/);
      await expectNotice(odette, "C'est publié.");
      await expectHeading(odette, title);
      const exchangePath = new URL(odette.url()).pathname;
      const exchangeId = idIn(exchangePath);
      assert.equal(await exchangeState(odette), 'Ouvert');
      assert.match(await odette.locator('main dl.facts').innerText(), /10:00–12:00/);

      // The people who could help, best first, each with the reasons why.
      await t.navigate(odette, () => odette.locator('main').getByRole('link', { name: 'Voir qui pourrait aider', exact: true }).click());
      assert.equal(here(odette), `${exchangePath}/matches`);
      await expectHeading(odette, `Qui pourrait aider : ${title}`);
      const people = odette.locator('main ol.matches > li');
      const count = await people.count();
      assert.ok(count > 0 && count <= 20, `between 1 and 20 people proposed, got ${count}`);
      let withSkill = 0;
      for (const person of await people.all()) {
        const reasons = (await person.locator('.reasons').innerText()).split(' · ');
        assert.match(reasons[0], /^(\d+ m|\d+,\d km)$/, `a distance comes first: ${reasons.join(' · ')}`);
        assert.ok(reasons.length >= 2, `at least one reason besides the distance: ${reasons.join(' · ')}`);
        if (reasons.some((r) => /Bricolage et petits travaux/.test(r))) withSkill += 1;
      }
      assert.ok(withSkill > 0, 'someone is proposed for the wanted skill');

      // Invite the first person on the list, with the button in their card.
      const first = people.first();
      const firstName = (await first.locator('h2').innerText()).trim();
      const firstId = idIn(await first.locator('h2 a').getAttribute('href'));
      await t.navigate(odette, () => first.getByRole('button', { name: `Inviter ${firstName}`, exact: true }).click(),
        { what: 'invite from the matches' });
      assert.equal(here(odette), `${exchangePath}/matches?done=step-invite`);
      await expectNotice(odette, 'Invitation envoyée.');
      assert.equal(await odette.locator(`main ol.matches a[href="/people/${firstId}"]`).count(), 0,
        'an invited person is no longer proposed');

      // The volunteer, whose account the test can use, is invited too: from
      // the list if the volunteer is on it, otherwise through the API.
      const volunteerToken = await apiToken(t, DEMO_VOLUNTEER);
      const volunteerId = (await api(t, 'GET', '/me', { token: volunteerToken })).profile.id;
      const volunteerCard = odette.locator('main ol.matches > li')
        .filter({ has: odette.locator(`a[href="/people/${volunteerId}"]`) });
      if (await volunteerCard.count() > 0) {
        await t.navigate(odette, () => volunteerCard.getByRole('button', { name: /^Inviter/ }).click(),
          { what: 'invite the volunteer' });
        await expectNotice(odette, 'Invitation envoyée.');
      } else {
        const odetteToken = await apiToken(t, DEMO_NEIGHBOUR);
        const invited = await api(t, 'POST', `/exchanges/${exchangeId}/steps`,
          { token: odetteToken, body: { step: 'invite', person_id: volunteerId } });
        assert.equal(invited.part, 'invited');
      }

      await t.navigate(odette, () => odette.locator('main').getByRole('link', { name: "Retour à l'échange", exact: true }).click());
      assert.equal(here(odette), exchangePath);
      assert.match(await participant(odette, firstId).innerText(), /Invité·e/);
      assert.match(await participant(odette, volunteerId).innerText(), /Malik Bénévole — Invité·e/);

      // The volunteer finds the invitation and accepts it.
      const volunteer = await t.newPage();
      await signIn(t, volunteer, DEMO_VOLUNTEER);
      await t.navigate(volunteer, () => volunteer.locator('header').getByRole('link', { name: 'Mes échanges', exact: true }).click());
      assert.equal(here(volunteer), '/me/exchanges');
      const invitation = volunteer.locator('main ul.involvements > li')
        .filter({ has: volunteer.locator(`a[href="${exchangePath}"]`) });
      assert.equal(await invitation.count(), 1, 'the invitation is listed');
      assert.match(await invitation.innerText(), /Odette Voisine/);
      assert.match(await invitation.innerText(), /Invité·e/);
      await t.navigate(volunteer, () => invitation.getByRole('link', { name: title, exact: true }).click());
      assert.equal(here(volunteer), exchangePath);
      assert.match(await mainText(volunteer), /Votre participation : Invité·e/);
      // Only the owner side sees the other participants and the exact place.
      assert.equal(await volunteer.locator('main ul.participants').count(), 0);
      assert.match(await volunteer.locator('main dl.facts').innerText(), /Position approchée/);
      await t.navigate(volunteer, () => volunteer.locator('main').getByRole('button', { name: "Accepter l'invitation", exact: true }).click(),
        { what: 'accept the invitation' });
      assert.equal(here(volunteer), `${exchangePath}?done=step-accept_invitation`);
      await expectNotice(volunteer, 'Vous avez accepté. Merci !');
      assert.match(await mainText(volunteer), /Votre participation : Accepté·e/);
      assert.equal(await exchangeState(volunteer), 'Prévu');

      // Back to Odette: the exchange is planned; once it happened, it is done.
      await t.goto(odette, exchangePath);
      assert.equal(await exchangeState(odette), 'Prévu');
      assert.match(await participant(odette, volunteerId).innerText(), /Accepté·e/);
      // The one place is taken: nobody more to invite.
      assert.equal(await odette.locator('main').getByRole('link', { name: 'Voir qui pourrait aider', exact: true }).count(), 0,
        'no helpers proposed once every place is taken');
      await t.goto(odette, `${exchangePath}/matches`);
      assert.equal(await odette.locator('main').getByRole('button', { name: /^Inviter/ }).count(), 0,
        'no invitation that could not be accepted');
      assert.match(await mainText(odette), /Cet échange n'attend plus de réponse\./);
      await t.goto(odette, exchangePath);
      await t.navigate(odette, () => odette.locator('main').getByRole('button', { name: 'Marquer comme fait', exact: true }).click(),
        { what: 'complete the exchange' });
      assert.equal(here(odette), `${exchangePath}?done=exchange-done`);
      await expectNotice(odette, "Merci ! L'échange est marqué comme fait.");
      assert.equal(await exchangeState(odette), 'Fait');
      assert.equal(await odette.locator('main').getByRole('button', { name: 'Marquer comme fait', exact: true }).count(), 0);
      assert.equal(await odette.locator('main').getByRole('link', { name: 'Annuler cet échange', exact: true }).count(), 0);

      await t.navigate(odette, () => odette.locator('header').getByRole('link', { name: 'Mes échanges', exact: true }).click());
      assert.equal(here(odette), '/me/exchanges');
      const card = odette.locator('main ul.cards > li').filter({ has: odette.locator(`a[href="${exchangePath}"]`) });
      assert.match(await card.innerText(), /Fait/);
    },
  },

  {
    name: 'exchange: search is accent-insensitive and bad filters are explained',
    async run(t) {
      // A need posted through the API, with an accented word in its title.
      const token = await apiToken(t, DEMO_SOCIAL_WORKER);
      const posted = await api(t, 'POST', '/exchanges', {
        token,
        status: 201,
        body: {
          kind: 'need',
          category: 'errands',
          title: 'Courses pour une voisine âgée',
          schedule: 'once',
          date: daysFromNow(5),
          from: '10:00',
          to: '11:00',
          helpers_wanted: '1',
          urgency: 'normal',
        },
      });
      const exchangePath = `/exchanges/${posted.id}`;

      const page = await t.newPage();
      await signIn(t, page, DEMO_SOCIAL_WORKER);
      await t.navigate(page, () => page.locator('header').getByRole('link', { name: 'Demandes et propositions', exact: true }).click());
      assert.equal(here(page), '/exchanges');
      await expectHeading(page, 'Demandes et propositions près de chez moi');

      // No accent, a plural: still found.
      await page.getByLabel('Rechercher', { exact: true }).fill('agees');
      await t.navigate(page, () => page.locator('main').getByRole('button', { name: 'Rechercher', exact: true }).click(),
        { what: 'search form' });
      assert.equal(new URL(page.url()).searchParams.get('q'), 'agees');
      const found = page.locator(`main ul.cards a[href="${exchangePath}"]`);
      assert.equal(await found.count(), 1, 'the need is found without its accent');
      assert.equal((await found.innerText()).trim(), 'Courses pour une voisine âgée');
      assert.equal(await page.getByLabel('Rechercher', { exact: true }).inputValue(), 'agees', 'the words stay in the field');

      // A date that does not exist: refused with a summary that leads to the field.
      await t.goto(page, '/exchanges?after=2026-13-45', { status: 422 });
      const summary = page.locator('main .error-summary[role=alert]');
      assert.equal(await summary.count(), 1, 'one error summary');
      assert.equal(await summary.locator('h2').innerText(), 'Il y a un problème');
      const link = summary.locator('a[href="#f-after"]');
      assert.equal(await link.count(), 1, 'the summary links to the date field');
      assert.match(await link.innerText(), /À partir du : date non valide/);
      const field = page.getByLabel('À partir du', { exact: true });
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator(`#${await field.getAttribute('aria-describedby')}`).count(), 1,
        'the field describes its error');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
      await link.click();
      assert.equal(await page.evaluate(() => document.activeElement.id), 'f-after', 'focus after the summary link');
      assert.match(await mainText(page), /Rien ne correspond/);

      // In English, the same page and its labels.
      await t.goto(page, '/exchanges?q=agees');
      await t.navigate(page, () => page.locator('header').getByRole('link', { name: 'English', exact: true }).click());
      assert.equal(here(page), '/exchanges?q=agees', 'back on the same search');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await expectHeading(page, 'Needs and offers near me');
      for (const label of ['Search', 'Need or offer', 'Category', 'Skill', 'Frequency', 'From', 'Distance', 'Sort by']) {
        assert.equal(await page.locator('main form[role=search]').getByLabel(label, { exact: true }).count(), 1,
          `English label "${label}"`);
      }
      assert.equal(await page.locator('main').getByRole('button', { name: 'Search', exact: true }).count(), 1);
      assert.match(await page.locator('main ul.cards > li').filter({ has: page.locator(`a[href="${exchangePath}"]`) }).innerText(),
        /Need · Errands and shopping/);

      // The language is kept on the account: put French back.
      await t.navigate(page, () => page.locator('header').getByRole('link', { name: 'Français', exact: true }).click());
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    },
  },

  {
    name: 'exchange: cancel asks for confirmation',
    async run(t) {
      const page = await t.newPage();
      await signIn(t, page, DEMO_COORDINATOR);
      await t.navigate(page, () => page.locator('header').getByRole('link', { name: 'Mes échanges', exact: true }).click());
      assert.equal(here(page), '/me/exchanges');
      await t.navigate(page, () => page.locator('main').getByRole('link', { name: "Demander de l'aide", exact: true }).click());
      assert.equal(here(page), '/exchanges/new?kind=need');

      // The form's defaults (a need, once, today 14:00–16:00, at home) will do.
      const title = 'Compagnie pour un après-midi';
      await page.getByLabel('Catégorie', { exact: true }).selectOption({ label: 'Visites et compagnie' });
      await page.getByLabel('Titre', { exact: true }).fill(title);
      await t.navigate(page, () => page.locator('main').getByRole('button', { name: 'Publier', exact: true }).click(),
        { what: 'exchange form' });
      assert.match(here(page), /^\/exchanges\/\d+\?done=exchange-posted$/);
      const exchangePath = new URL(page.url()).pathname;
      assert.equal(await exchangeState(page), 'Ouvert');

      // Someone is invited, so that cancelling has someone to release.
      await t.navigate(page, () => page.locator('main').getByRole('link', { name: 'Voir qui pourrait aider', exact: true }).click());
      const first = page.locator('main ol.matches > li').first();
      const firstId = idIn(await first.locator('h2 a').getAttribute('href'));
      await t.navigate(page, () => first.getByRole('button', { name: /^Inviter/ }).click(), { what: 'invite' });
      await expectNotice(page, 'Invitation envoyée.');
      await t.goto(page, exchangePath);
      assert.match(await participant(page, firstId).innerText(), /Invité·e/);

      // The confirmation page; "keep it" changes nothing.
      const cancelLink = page.locator('main').getByRole('link', { name: 'Annuler cet échange', exact: true });
      await t.navigate(page, () => cancelLink.click());
      assert.equal(here(page), `${exchangePath}/cancel`);
      await expectHeading(page, 'Annuler cet échange ?');
      assert.match(await mainText(page), new RegExp(escape(`Voulez-vous vraiment annuler « ${title} » ?`)));
      await t.navigate(page, () => page.locator('main').getByRole('link', { name: 'Non, le garder', exact: true }).click());
      assert.equal(here(page), exchangePath);
      assert.equal(await exchangeState(page), 'Ouvert');

      await t.navigate(page, () => cancelLink.click());
      assert.equal(here(page), `${exchangePath}/cancel`);
      await t.navigate(page, () => page.locator('main').getByRole('button', { name: 'Annuler cet échange', exact: true }).click(),
        { what: 'confirm the cancellation' });
      assert.equal(here(page), `${exchangePath}?done=exchange-cancelled`);
      await expectNotice(page, "L'échange est annulé.");
      assert.equal(await exchangeState(page), 'Annulé');
      assert.equal(await cancelLink.count(), 0, 'nothing left to cancel');
      assert.match(await participant(page, firstId).innerText(), /Non retenu·e/, 'the invited person is released');
      assert.equal(await page.locator('main').getByRole('link', { name: 'Voir qui pourrait aider', exact: true }).count(), 0,
        'no helpers proposed for a cancelled need');
      await t.goto(page, `${exchangePath}/matches`);
      assert.equal(await page.locator('main').getByRole('button', { name: /^Inviter/ }).count(), 0,
        'no invitations on a cancelled need');
    },
  },
  {
    name: 'visits: a coordinator pairs a visitor with an elderly person, the visitor logs a visit',
    async run(t) {
      // A new visitor, so that the test can sign in as them: an account, a
      // home near rue Jean-Pierre Timbaud, interests, then the programme.
      const visitorName = 'Lina Visiteuse';
      const lina = await t.newPage();
      await t.goto(lina, '/signup');
      await signUp(t, lina, { name: visitorName, email: uniqueEmail('lina'), password: 'je rends visite le mercredi' });
      assert.equal(here(lina), '/me/edit?done=welcome');
      for (const label of ['Mémoire et souvenirs', 'Histoire', 'Musique', 'Promenade']) {
        await lina.locator('fieldset#f-interests').getByLabel(label, { exact: true }).check();
      }
      await lina.locator('fieldset#f-languages').getByLabel('Français', { exact: true }).check();
      await t.navigate(lina, () => lina.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
        { what: 'profile form' });
      await expectNotice(lina, 'Profil enregistré.');
      await lina.getByLabel('Latitude', { exact: true }).fill('48.8668');
      await lina.getByLabel('Longitude', { exact: true }).fill('2.3745');
      await t.navigate(lina, () => lina.locator('main').getByRole('button', { name: 'Enregistrer mon domicile', exact: true }).click(),
        { what: 'home form' });
      assert.equal(here(lina), '/me?done=location-saved');
      await expectNotice(lina, 'Domicile enregistré.');

      const programmePath = await openProgramme(t, lina);
      assert.equal(await lina.locator('main #pairs-title').count(), 0, 'a visitor does not see the pairs');
      // The charter must be ticked: without it, an error summary and nothing joined.
      const join = () => lina.locator('main').getByRole('button', { name: 'Devenir visiteur', exact: true }).click();
      await t.navigate(lina, join, { status: 422, what: 'join without the charter' });
      const summary = lina.locator('main .error-summary[role=alert]');
      assert.equal(await summary.count(), 1, 'one error summary');
      const charterLink = summary.locator('a[href="#f-charter"]');
      assert.equal(await charterLink.count(), 1, 'the summary links to the charter checkbox');
      const charter = lina.getByLabel("J'ai lu la charte et je m'engage à la respecter", { exact: true });
      assert.equal(await charter.getAttribute('aria-invalid'), 'true');
      await charterLink.click();
      assert.equal(await lina.evaluate(() => document.activeElement.getAttribute('name')), 'charter',
        'focus on the checkbox after the summary link');
      await t.goto(lina, programmePath);
      assert.equal(await lina.locator('main').getByText(/^Votre place/).count(), 0, 'not joined');
      await charter.check();
      await t.navigate(lina, join, { what: 'join the programme' });
      assert.equal(here(lina), `${programmePath}?done=programme-joined`);
      await expectNotice(lina, 'Merci ! Votre candidature attend la validation de la coordination.');
      assert.match(await mainText(lina), /Votre place : candidature en attente de validation/);

      // The coordinator: the programme from the organisation page.
      const claire = await t.newPage();
      await signIn(t, claire, DEMO_COORDINATOR);
      assert.equal(await openProgramme(t, claire), programmePath);
      assert.equal(await pairRows(claire).count(), 4, 'the demo pairs');
      const overdue = pairRows(claire).filter({ hasText: 'en retard' });
      assert.equal(await overdue.count(), 1, 'one pair is flagged overdue');
      assert.equal(await overdue.getAttribute('class'), 'overdue');
      assert.match(await overdue.locator('td:nth-child(3)').innerText(), /Pas encore de visite · en retard/);

      // Three demo applications wait, and Lina's: validate one of the demo ones.
      const waiting = claire.locator('main section[aria-labelledby=visitors-title] li')
        .filter({ has: claire.getByRole('button', { name: /^Valider — / }) });
      assert.equal(await waiting.count(), 4, 'three demo applications and the new one');
      const applicant = (await waiting.filter({ hasNotText: visitorName }).first().getByRole('link').innerText()).trim();
      await t.navigate(claire, () => visitorLine(claire, applicant).getByRole('button', { name: `Valider — ${applicant}`, exact: true }).click(),
        { what: 'validate an application' });
      assert.equal(here(claire), `${programmePath}?done=visitor-vetted`);
      await expectNotice(claire, 'Visiteur validé.');
      assert.match(await visitorLine(claire, applicant).innerText(), /visiteur validé/);
      assert.equal(await waiting.count(), 3);

      // Someone with no visitor yet: the visitors proposed, with reasons.
      const unpaired = await unpairedVisited(claire);
      assert.equal(unpaired.length, 4, 'eight people to visit, four of them paired');
      const first = unpaired[0];
      await t.navigate(claire, () => first.link.click());
      assert.match(here(claire), new RegExp(`^${programmePath}/visited/\\d+/match$`));
      await expectHeading(claire, `Des visiteurs pour ${first.name}`);
      const cards = claire.locator('main ol.matches > li');
      const count = await cards.count();
      assert.ok(count > 0 && count <= 20, `between 1 and 20 visitors proposed, got ${count}`);
      for (const card of await cards.all()) {
        const reasons = (await card.locator('.reasons').innerText()).split(' · ');
        assert.match(reasons[0], /^(\d+ m|\d+,\d km)$/, `a distance comes first: ${reasons.join(' · ')}`);
        assert.ok(reasons.length >= 2, `at least one reason besides the distance: ${reasons.join(' · ')}`);
      }
      assert.equal(await visitorCard(claire, visitorName).count(), 0, 'an application not yet validated is not proposed');
      // The rhythm comes filled in: the person's free slots, every week.
      const firstCard = cards.first();
      const firstVisitor = (await firstCard.locator('h2').innerText()).trim();
      assert.ok(await firstCard.locator('input[name=slots]:checked').count() > 0, 'slots ticked from the person\'s availability');
      assert.equal(await firstCard.getByLabel('Fréquence', { exact: true }).inputValue(), '1');
      await t.navigate(claire, () => firstCard.getByRole('button', { name: `Approuver ce binôme — ${firstVisitor}`, exact: true }).click(),
        { what: 'approve the first visitor' });
      assert.equal(here(claire), `${programmePath}?done=pairing-approved`);
      await expectNotice(claire, 'Binôme approuvé.');
      assert.equal(await pairRow(claire, firstVisitor, first.name).count(), 1, `${firstVisitor} visits ${first.name}`);
      assert.equal(await pairRows(claire).count(), 5);

      // Lina is validated too, then paired with another person from her card.
      await t.navigate(claire, () => visitorLine(claire, visitorName).getByRole('button', { name: `Valider — ${visitorName}`, exact: true }).click(),
        { what: 'validate the new visitor' });
      await expectNotice(claire, 'Visiteur validé.');
      const second = (await unpairedVisited(claire))[0];
      assert.notEqual(second.name, first.name);
      await t.navigate(claire, () => second.link.click());
      await expectHeading(claire, `Des visiteurs pour ${second.name}`);
      const linaCard = visitorCard(claire, visitorName);
      assert.equal(await linaCard.count(), 1, 'the new visitor is proposed');
      const linaReasons = (await linaCard.locator('.reasons').innerText()).split(' · ');
      assert.match(linaReasons[0], /^(\d+ m|\d+,\d km)$/);
      assert.ok(linaReasons.some((r) => /Français/.test(r)), `a common language: ${linaReasons.join(' · ')}`);
      if (await linaCard.locator('input[name=slots]:checked').count() === 0) {
        await linaCard.getByLabel('Mercredi après-midi', { exact: true }).check();
      }
      await linaCard.getByLabel('Fréquence', { exact: true }).selectOption({ label: 'Toutes les deux semaines' });
      await t.navigate(claire, () => linaCard.getByRole('button', { name: `Approuver ce binôme — ${visitorName}`, exact: true }).click(),
        { what: 'approve the new visitor' });
      await expectNotice(claire, 'Binôme approuvé.');
      const linaRow = pairRow(claire, visitorName, second.name);
      assert.equal(await linaRow.count(), 1, 'the new pair is listed');
      assert.match(await linaRow.innerText(), /Pas encore de visite/);

      // Lina finds the pair in "Mes visites".
      await t.navigate(lina, () => lina.locator('header').getByRole('link', { name: 'Mes visites', exact: true }).click());
      assert.equal(here(lina), '/visits');
      await expectHeading(lina, 'Mes visites');
      const pair = lina.locator('main section.card').filter({
        has: lina.locator('h3', { hasText: `${second.name} — ${VISITS_PROGRAMME}` }),
      });
      assert.equal(await pair.count(), 1, 'the pair is shown to the visitor');
      assert.match(await pair.innerText(), /Toutes les deux semaines/);
      assert.match(await pair.innerText(), /Pas encore de visite/);
      const pairingPath = (await pair.locator('form').getAttribute('action')).replace(/\/visits$/, '');

      // A visit of no minutes: refused, explained, nothing logged.
      const day = daysFromNow(-1);
      const note = 'Elle m\'a montré ses photos du canal Saint-Martin.';
      const logVisit = async (minutes, status) => {
        await pair.getByLabel('Jour', { exact: true }).fill(day);
        await pair.getByLabel('Durée (minutes)', { exact: true }).fill(minutes);
        await pair.getByLabel('Un mot pour la coordination', { exact: true }).fill(note);
        await t.navigate(lina, () => pair.getByRole('button', { name: 'Noter la visite', exact: true }).click(),
          { status, what: `log a visit of ${minutes} minutes` });
      };
      await logVisit('0', 422);
      const visitSummary = lina.locator('main .error-summary[role=alert]');
      assert.equal(await visitSummary.count(), 1, 'one error summary');
      const minutesLink = visitSummary.locator('a[href="#f-minutes"]');
      assert.equal(await minutesLink.count(), 1, 'the summary names the duration');
      assert.match(await minutesLink.innerText(), /Durée \(minutes\)/);
      assert.equal(await lina.locator('#f-minutes').count(), 1, 'the summary link leads to the field');
      const minutesField = pair.getByLabel('Durée (minutes)', { exact: true });
      assert.equal(await minutesField.getAttribute('aria-invalid'), 'true');
      assert.equal(await minutesField.inputValue(), '0', 'what was typed is kept');
      assert.equal(await pair.getByLabel('Un mot pour la coordination', { exact: true }).inputValue(), note);
      assert.match(await pair.innerText(), /Pas encore de visite/, 'nothing logged');

      await logVisit('45', 200);
      assert.equal(here(lina), '/visits?done=visit-logged');
      await expectNotice(lina, 'Visite notée. Merci !');
      assert.doesNotMatch(await pair.innerText(), /Pas encore de visite/);
      const frenchDay = day.split('-').reverse().join('/');
      assert.match(await pair.locator('ul').innerText(), new RegExp(escape(`${frenchDay} — 45 min`)));
      // The note is for the coordination only.
      assert.doesNotMatch(await mainText(lina), /canal Saint-Martin/);
      await t.goto(lina, pairingPath);
      assert.match(await mainText(lina), /45/);
      assert.doesNotMatch(await mainText(lina), /canal Saint-Martin/, 'the visitor does not read the notes');

      // The coordinator reads it in the pair's visit log.
      await t.goto(claire, programmePath);
      assert.match(await linaRow.locator('td:nth-child(3)').innerText(), new RegExp(`^${escape(frenchDay)}$`));
      await t.navigate(claire, () => linaRow.getByRole('link', { name: 'Journal des visites', exact: true }).click());
      assert.equal(here(claire), pairingPath);
      await expectHeading(claire, `${visitorName} et ${second.name}`);
      const logged = claire.locator('main table tbody tr');
      assert.equal(await logged.count(), 1, 'one visit in the log');
      assert.match(await logged.innerText(), new RegExp(escape(frenchDay)));
      assert.match(await logged.innerText(), /45/);
      assert.match(await logged.innerText(), /canal Saint-Martin/);
    },
  },
  {
    name: 'notifications: the header counter updates live, the centre and the settings',
    async run(t) {
      const odette = await t.newPage();
      await signIn(t, odette, DEMO_NEIGHBOUR);
      await t.goto(odette, '/notifications');
      const counter = odette.locator('header [data-count="notifications"]');
      const unread = async () => Number(((await counter.innerText()).match(/\d+/) || ['0'])[0]);
      const before = await unread();

      // A need of Odette's, answered by the volunteer from elsewhere.
      const title = `Monter un meuble ${Date.now().toString(36)}`;
      const odetteToken = await apiToken(t, DEMO_NEIGHBOUR);
      const need = await api(t, 'POST', '/exchanges', {
        token: odetteToken, status: 201,
        body: { kind: 'need', category: 'small-jobs', title, description: 'Une armoire en kit',
          date: daysFromNow(6), from: '10:00', to: '12:00', place: 'home' },
      });
      await api(t, 'POST', `/exchanges/${need.id}/steps`, {
        token: await apiToken(t, DEMO_VOLUNTEER), body: { step: 'respond' },
      });
      // Without reloading, the open page's counter goes up.
      await odette.waitForFunction(
        ([expected]) => {
          const slot = document.querySelector('header [data-count="notifications"]');
          const shown = Number(((slot && slot.textContent) || '').match(/\d+/)?.[0] || 0);
          return shown >= expected;
        },
        [before + 1],
        { timeout: 10_000 },
      );

      await t.goto(odette, '/notifications');
      const item = odette.locator('main ul.notifications li').filter({ hasText: title }).first();
      assert.match(await item.innerText(), /a répondu à « Monter un meuble/);
      await t.navigate(odette, () => item.getByRole('link').click());
      assert.equal(here(odette), `/exchanges/${need.id}`);
      assert.equal(await unread(), before, 'opening it reads it');

      // Settings: a text needs a number; choosing "only on the site" saves.
      await t.goto(odette, '/notifications');
      await t.navigate(odette, () => odette.locator('main').getByRole('link', { name: 'Choisir comment être prévenu', exact: true }).click());
      await odette.getByLabel('SMS', { exact: true }).check();
      await odette.getByLabel('Numéro de téléphone portable', { exact: true }).fill('');
      await t.navigate(odette, () => odette.locator('main').getByRole('button', { name: 'Enregistrer mes réglages', exact: true }).click(),
        { status: 422, what: 'settings without a number' });
      assert.match(await mainText(odette), /Numéro de téléphone portable : à remplir/);
      await odette.getByLabel('Seulement sur le site', { exact: true }).check();
      await odette.getByLabel('Nouveaux messages', { exact: true }).selectOption('digest');
      await t.navigate(odette, () => odette.locator('main').getByRole('button', { name: 'Enregistrer mes réglages', exact: true }).click(),
        { what: 'settings' });
      await expectNotice(odette, 'Vos réglages de notifications sont enregistrés.');
      assert.equal(await odette.getByLabel('Nouveaux messages', { exact: true }).inputValue(), 'digest');
    },
  },

  {
    name: 'conversations: a requester and a helper talk about a need',
    async run(t) {
      // Odette's visit need, which the demo volunteer already accepted.
      const needTitle = 'Compagnie pour une dame âgée';
      const conversationTitle = `Échange « ${needTitle} »`;
      const odette = await t.newPage();
      await signIn(t, odette, DEMO_NEIGHBOUR);
      await t.navigate(odette, () => odette.locator('header').getByRole('link', { name: 'Mes échanges', exact: true }).click());
      await t.navigate(odette, () => odette.locator('main ul.cards').getByRole('link', { name: needTitle, exact: true }).first().click());
      const exchangePath = new URL(odette.url()).pathname;
      assert.match(exchangePath, /^\/exchanges\/\d+$/);
      await t.navigate(odette, () => odette.locator('main').getByRole('link', { name: 'Conversation', exact: true }).click(),
        { what: 'open the exchange conversation' });
      assert.match(here(odette), /^\/conversations\/\d+$/);
      const conversationPath = here(odette);
      await expectHeading(odette, conversationTitle);
      const thread = odette.locator('main ol#messages[aria-live=polite]');
      assert.equal(await thread.count(), 1, 'the messages are a live region');

      // An empty message is refused, explained, and nothing is sent.
      const before = await thread.locator('> li').count();
      await t.navigate(odette, () => odette.locator('main').getByRole('button', { name: 'Envoyer', exact: true }).click(),
        { status: 422, what: 'send an empty message' });
      const summary = odette.locator('main .error-summary[role=alert]');
      assert.equal(await summary.count(), 1, 'one error summary');
      assert.match(await summary.locator('a[href="#f-body"]').innerText(), /Votre message/);
      assert.equal(await odette.getByLabel('Votre message', { exact: true }).getAttribute('aria-invalid'), 'true');
      assert.equal(await thread.locator('> li').count(), before, 'nothing sent');

      // Odette writes; the page comes back with her message at the end.
      const question = `Malik, pouvez-vous passer mardi à 15 h ? (${Date.now().toString(36)})`;
      await odette.getByLabel('Votre message', { exact: true }).fill(question);
      await t.navigate(odette, () => odette.locator('main').getByRole('button', { name: 'Envoyer', exact: true }).click(),
        { what: 'send a message' });
      assert.equal(here(odette), conversationPath);
      const mine = thread.locator('> li').last();
      assert.match(await mine.innerText(), /^Vous/);
      assert.match(await mine.innerText(), new RegExp(escape(question)));

      // Odette moves on (an open conversation would read new messages at once).
      await t.goto(odette, '/notifications');

      // Malik, in another browser, sees the unread count and the message.
      const malik = await t.newPage();
      await signIn(t, malik, DEMO_VOLUNTEER);
      await t.goto(malik, '/conversations');
      await expectHeading(malik, 'Messages');
      const item = malik.locator('main ul.conversations > li')
        .filter({ has: malik.getByRole('link', { name: conversationTitle, exact: true }) });
      assert.equal(await item.count(), 1, 'the conversation is listed');
      assert.match(await item.innerText(), /\d+ messages? non lus?/, 'unread messages are said in words');
      assert.match(await item.innerText(), new RegExp(escape(question.slice(0, 40))));
      await t.navigate(malik, () => item.getByRole('link', { name: conversationTitle, exact: true }).click());
      assert.equal(here(malik), conversationPath);
      const malikThread = malik.locator('main ol#messages');
      assert.match(await malikThread.locator('> li').last().innerText(), new RegExp(escape(question)));
      assert.match(await malikThread.locator('> li').last().innerText(), /^Odette Voisine/);

      // Reading cleared the count; Malik answers.
      await t.goto(malik, '/conversations');
      assert.doesNotMatch(await item.innerText(), /non lu/, 'read once opened');
      await t.navigate(malik, () => item.getByRole('link', { name: conversationTitle, exact: true }).click());
      const answer = 'Oui, mardi 15 h, avec plaisir !';
      await malik.getByLabel('Votre message', { exact: true }).fill(answer);
      await t.navigate(malik, () => malik.locator('main').getByRole('button', { name: 'Envoyer', exact: true }).click(),
        { what: 'answer' });
      assert.match(await malikThread.locator('> li').last().innerText(), new RegExp(escape(answer)));

      // Odette sees the answer.
      await t.goto(odette, '/conversations');
      const odetteItem = odette.locator('main ul.conversations > li')
        .filter({ has: odette.getByRole('link', { name: conversationTitle, exact: true }) });
      assert.match(await odetteItem.innerText(), /1 message non lu/);
      await t.navigate(odette, () => odetteItem.getByRole('link', { name: conversationTitle, exact: true }).click());
      const last = thread.locator('> li').last();
      assert.match(await last.innerText(), /^Malik Bénévole/);
      assert.match(await last.innerText(), new RegExp(escape(answer)));

      // With the conversation open, a new answer appears without reloading.
      const live = `Je prendrai le bus 96. (${Date.now().toString(36)})`;
      await api(t, 'POST', `${conversationPath}/messages`, {
        token: await apiToken(t, DEMO_VOLUNTEER), status: 201, body: { body: live },
      });
      await thread.locator('> li').filter({ hasText: live }).waitFor({ timeout: 10_000 });
    },
  },
  {
    name: 'time bank: a helper is chosen, the exchange is done, the person helped confirms the time and says thanks',
    async run(t) {
      const stamp = Date.now().toString(36);
      const odetteToken = await apiToken(t, DEMO_NEIGHBOUR);
      const volunteerToken = await apiToken(t, DEMO_VOLUNTEER);
      const volunteer = (await api(t, 'GET', '/me', { token: volunteerToken })).profile;
      // The demo's neighbours' association runs the time bank both belong to.
      const orgs = await api(t, 'GET', '/orgs?per_page=100', { token: odetteToken });
      const org = orgs.find((o) => o.name === TIME_BANK_ORG);
      assert.ok(org, 'the demo time bank');
      const balance = async (token) => (await api(t, 'GET', `/orgs/${org.id}/timebank`, { token })).balance;
      const [odetteBefore, volunteerBefore] = [await balance(odetteToken), await balance(volunteerToken)];
      // Odette asks, the volunteer answers and is chosen: 10:00–11:30.
      const title = `Poser des rideaux ${stamp}`;
      const need = await api(t, 'POST', '/exchanges', {
        token: odetteToken, status: 201,
        body: { kind: 'need', category: 'small-jobs', title, description: 'Deux tringles',
          date: daysFromNow(3), from: '10:00', to: '11:30', place: 'home' },
      });
      await api(t, 'POST', `/exchanges/${need.id}/steps`, { token: volunteerToken, body: { step: 'respond' } });
      await api(t, 'POST', `/exchanges/${need.id}/steps`, {
        token: odetteToken, body: { step: 'choose', person_id: volunteer.id },
      });

      const odette = await t.newPage();
      await signIn(t, odette, DEMO_NEIGHBOUR);
      const exchangePath = `/exchanges/${need.id}`;
      await t.goto(odette, exchangePath);
      await t.navigate(odette, () => odette.locator('main').getByRole('button', { name: 'Marquer comme fait', exact: true }).click(),
        { what: 'complete the exchange' });
      const time = odette.locator('main section#time');
      assert.match(await time.innerText(), /1 h 30/);
      assert.match(await time.innerText(), /en attente de confirmation/);
      // The time is prefilled; Odette confirms it as it is.
      assert.equal(await time.getByLabel('Heures', { exact: true }).inputValue(), '1');
      assert.equal(await time.getByLabel('Minutes', { exact: true }).inputValue(), '30');
      await t.navigate(odette, () => time.getByRole('button', { name: 'Confirmer le temps', exact: true }).click(),
        { what: 'confirm the time' });
      assert.equal(here(odette), `${exchangePath}?done=claim-confirm`);
      await expectNotice(odette, "Temps confirmé : il est crédité à l'aidant.");
      assert.match(await odette.locator('main section#time').innerText(), /confirmé/);

      const word = `Merci pour les rideaux (${stamp})`;
      await odette.locator('main section#time').getByLabel(`Un mot de remerciement pour ${volunteer.display_name} (facultatif)`).fill(word);
      await t.navigate(odette, () => odette.locator('main section#time').getByRole('button', { name: 'Dire merci', exact: true }).click(),
        { what: 'say thanks' });
      await expectNotice(odette, 'Votre merci est envoyé.');

      assert.equal(await balance(odetteToken), odetteBefore - 90);
      assert.equal(await balance(volunteerToken), volunteerBefore + 90);
      await t.goto(odette, `/orgs/${org.id}/timebank`);
      assert.equal((await odette.locator('main p.balance').innerText()).trim(), duration(odetteBefore - 90));
      assert.match(await mainText(odette), new RegExp(`Échange — ${title}`));

      const helper = await t.newPage();
      await signIn(t, helper, DEMO_VOLUNTEER);
      await t.goto(helper, `/orgs/${org.id}/timebank`);
      assert.equal((await helper.locator('main p.balance').innerText()).trim(), duration(volunteerBefore + 90));
      await t.goto(helper, `/people/${volunteer.id}`);
      const thanks = helper.locator('main ul.thanks > li').filter({ hasText: word });
      assert.match(await thanks.innerText(), new RegExp(`pour « ${title} »`));
    },
  },
  {
    name: 'safe: a social worker registers a person and adds a paper for them; the person signs in with login + PIN and sees it and the log',
    async run(t) {
      const stamp = Date.now().toString(36);
      const sophie = await t.newPage();
      await signIn(t, sophie, DEMO_SOCIAL_WORKER);
      // Registering, as a worker does it at the desk: counted for the figures.
      const started = Date.now();
      let steps = 0;
      let fields = 0;
      const step = async (action, options) => { steps += 1; await t.navigate(sophie, action, options); };
      await step(() => sophie.locator('header').getByRole('link', { name: 'Organisations', exact: true }).click());
      await step(() => sophie.locator('main').getByRole('link', { name: CCAS_ORG, exact: true }).first().click());
      await step(() => sophie.getByRole('link', { name: 'Inscrire une personne', exact: true }).click());
      const name = `Yacine ${stamp}`;
      await sophie.getByLabel('Nom affiché', { exact: true }).fill(name); fields += 1;
      await sophie.getByLabel('Année de naissance', { exact: true }).fill('1968'); fields += 1;
      await step(() => sophie.getByRole('button', { name: 'Inscrire', exact: true }).click(), { what: 'registration form' });
      await expectHeading(sophie, 'Fiche de connexion');
      const secrets = await sophie.locator('.handout dd.secret').allInnerTexts();
      const [login, pin] = secrets.map((s) => s.trim());
      assert.ok(login && /^\d{6}$/.test(pin), `a login and a PIN: ${secrets}`);
      console.log(`    registration: ${fields} fields typed, ${steps} steps, ${((Date.now() - started) / 1000).toFixed(1)} s`);

      // Straight from the handout to the person's safe.
      await t.navigate(sophie, () => sophie.getByRole('link', { name: `Ajouter des papiers au coffre-fort de ${name}`, exact: true }).click());
      await expectHeading(sophie, `Coffre-fort de ${name}`);
      await sophie.getByLabel('Le fichier', { exact: true }).setInputFiles({
        name: 'attestation.pdf', mimeType: 'application/pdf',
        buffer: Buffer.from(`%PDF-1.4\n% attestation ${stamp}\n%%EOF\n`),
      });
      await sophie.getByLabel('Nom du document', { exact: true }).fill('Attestation de domiciliation');
      await sophie.getByLabel('Type', { exact: true }).selectOption('residence');
      await t.navigate(sophie, () => sophie.getByRole('button', { name: 'Ajouter au coffre-fort', exact: true }).click(),
        { what: 'upload for the person' });
      await expectNotice(sophie, 'Le document est dans le coffre-fort.');

      // The person, at any computer, with the login and the PIN.
      const person = await t.newPage();
      await t.goto(person, '/login/pin');
      await person.getByLabel('Identifiant', { exact: true }).fill(login);
      await person.getByLabel('Code PIN', { exact: true }).fill(pin);
      await t.navigate(person, () => person.locator('main').getByRole('button', { name: 'Se connecter', exact: true }).click(),
        { what: 'PIN sign-in' });
      await t.navigate(person, () => person.locator('header').getByRole('link', { name: 'Mon coffre-fort', exact: true }).click());
      const row = person.locator('main table tbody tr').filter({ hasText: 'Attestation de domiciliation' });
      assert.match(await row.innerText(), /Ajouté pour vous par Sophie/);
      assert.match(await mainText(person), /Déconnectez-vous quand vous avez fini/);
      await t.navigate(person, () => person.locator('main').getByRole('link', { name: 'Partages, accords et journal des accès', exact: true }).click());
      const log = person.locator('main section[aria-labelledby="log-title"]');
      assert.match(await log.innerText(), /Sophie[\s\S]*a ajouté un document \(en agissant pour vous\)/);
      assert.match(await mainText(person), /L'équipe de CCAS Paris 11e/);
    },
  },

  {
    name: 'neighbourhood map and board',
    async run(t) {
      // Three newcomers: one writes, one lives 300 m away, one 5.5 km away.
      const password = 'une phrase assez longue';
      const places = {
        author: ['48.866937', '2.378412'],
        near: ['48.869637', '2.378412'],
        far: ['48.817537', '2.378412'],
      };
      const people = {};
      for (const [who, [lat, lng]] of Object.entries(places)) {
        const email = uniqueEmail(`quartier-${who}`);
        const { token } = await api(t, 'POST', '/signup', {
          body: { email, password, display_name: `Voisin ${who}` }, status: 201,
        });
        await api(t, 'PUT', '/me/location', { token, body: { lat, lng } });
        await api(t, 'PUT', '/me/profile', {
          token, body: { display_name: `Voisin ${who}`, visibility: 'neighbours', skills: ['diy'] },
        });
        people[who] = email;
      }
      const signInAs = async (page, email) => {
        await t.goto(page, '/login');
        await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
        await page.getByLabel('Mot de passe', { exact: true }).fill(password);
        await t.navigate(page, () => page.locator('main').getByRole('button', { name: 'Se connecter', exact: true }).click(),
          { what: 'sign-in form' });
      };

      const author = await t.newPage();
      await signInAs(author, people.author);
      await t.navigate(author, () => author.locator('header').getByRole('link', { name: 'Mon quartier', exact: true }).click());
      await expectHeading(author, 'Mon quartier');
      assert.match(await mainText(author), /à environ 300 m de son domicile/);
      // The map draws the demo neighbourhood's areas, each with its count.
      await author.locator('#neighbourhood-map.leaflet-container').waitFor();
      await author.locator('#neighbourhood-map .map-count').first().waitFor();
      assert.match(await author.locator('#neighbourhood-map-status').innerText(), /zones, \d+ voisins visibles/);
      for (const count of await author.locator('#neighbourhood-map .map-count').allInnerTexts()) {
        assert.ok(Number(count) >= 5, `an area shows ${count} people`);
      }
      // The list view, reached by the link before the map.
      await t.navigate(author, () => author.locator('main').getByRole('link', { name: 'Voir la carte sous forme de liste', exact: true }).click());
      await expectHeading(author, 'Les voisins par zones');
      assert.ok(await author.locator('main table tbody tr').count() > 0, 'the list shows areas');

      // Post on the board.
      const title = `Chat tigré trouvé (${Date.now().toString(36)})`;
      await t.goto(author, '/neighbourhood');
      await t.navigate(author, () => author.locator('main').getByRole('link', { name: 'Écrire sur le tableau', exact: true }).first().click());
      await author.getByLabel('Type de message', { exact: true }).selectOption('lost-found');
      await author.getByLabel('Titre', { exact: true }).fill(title);
      await author.getByLabel('Votre message', { exact: true }).fill('Il attend au rez-de-chaussée du 12.');
      await author.getByLabel('Distance', { exact: true }).selectOption('1000');
      await t.navigate(author, () => author.getByRole('button', { name: 'Publier', exact: true }).click(), { what: 'post form' });
      await expectNotice(author, 'Votre message est sur le tableau.');
      await expectHeading(author, title);

      // The neighbour 300 m away reads it and says thanks.
      const near = await t.newPage();
      await signInAs(near, people.near);
      await t.goto(near, '/neighbourhood/board');
      await t.navigate(near, () => near.locator('main').getByRole('link', { name: title, exact: true }).click());
      await t.navigate(near, () => near.getByRole('button', { name: 'Dire merci', exact: true }).click(), { what: 'merci' });
      await expectNotice(near, 'Merci envoyé !');
      assert.match(await mainText(near), /1 merci/);

      // Someone 5.5 km away never sees it.
      const far = await t.newPage();
      await signInAs(far, people.far);
      await t.goto(far, '/neighbourhood/board');
      assert.doesNotMatch(await mainText(far), new RegExp(escape(title)));
      const postPath = new URL(author.url()).pathname;
      await t.goto(far, postPath, { status: 404 });
    },
  },

  {
    name: 'telephony: an administrator connects a provider and numbers, a social worker gives a person a number, the person finds it',
    async run(t) {
      const stamp = Date.now().toString(36);
      const pair = () => String(Math.floor(Math.random() * 100)).padStart(2, '0');
      const admin = await t.newPage();
      await signIn(t, admin, DEMO_ADMIN);
      await t.navigate(admin, () => admin.locator('header').getByRole('link', { name: 'Organisations', exact: true }).click());
      await t.navigate(admin, () => admin.locator('main').getByRole('link', { name: CCAS_ORG, exact: true }).first().click());
      await t.navigate(admin, () => admin.locator('main').getByRole('link', { name: 'Téléphonie', exact: true }).click());
      await admin.getByLabel("Adresse de l'API de l'opérateur", { exact: true }).fill('https://api.twilio.com');
      await admin.getByLabel('Identifiant du compte', { exact: true }).fill('AC0123456789');
      await admin.getByLabel("Jeton d'authentification", { exact: true }).fill(`jeton-${stamp}`);
      await admin.getByLabel("Numéro d'accès (pour écouter ses messages)", { exact: true }).fill('12');
      await t.navigate(admin, () => admin.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
        { status: 422, what: 'a wrong access number' });
      assert.match(await admin.locator('#error-summary').innerText(), /téléphone/i);
      await admin.getByLabel("Jeton d'authentification", { exact: true }).fill(`jeton-${stamp}`);
      await admin.getByLabel("Numéro d'accès (pour écouter ses messages)", { exact: true }).fill('01 84 60 00 00');
      await t.navigate(admin, () => admin.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
        { what: 'provider settings' });
      await expectNotice(admin, 'Réglages enregistrés.');
      assert.match(await mainText(admin), /\/telephony\/\d+\/voice/);
      const number = `01 84 ${pair()} ${pair()} ${pair()}`;
      await admin.getByLabel('Ajouter des numéros (un par ligne)', { exact: true }).fill(number);
      await t.navigate(admin, () => admin.getByRole('button', { name: 'Ajouter', exact: true }).click(), { what: 'numbers' });
      await expectNotice(admin, 'Numéros ajoutés.');

      const sophie = await t.newPage();
      await signIn(t, sophie, DEMO_SOCIAL_WORKER);
      await t.navigate(sophie, () => sophie.locator('header').getByRole('link', { name: 'Organisations', exact: true }).click());
      await t.navigate(sophie, () => sophie.locator('main').getByRole('link', { name: CCAS_ORG, exact: true }).first().click());
      await t.navigate(sophie, () => sophie.getByRole('link', { name: 'Inscrire une personne', exact: true }).click());
      const name = `Nadia ${stamp}`;
      await sophie.getByLabel('Nom affiché', { exact: true }).fill(name);
      await t.navigate(sophie, () => sophie.getByRole('button', { name: 'Inscrire', exact: true }).click(), { what: 'registration' });
      const [login, pin] = (await sophie.locator('.handout dd.secret').allInnerTexts()).map((s) => s.trim());
      await t.navigate(sophie, () => sophie.getByRole('link', { name: `Ajouter des papiers au coffre-fort de ${name}`, exact: true }).click());
      await t.navigate(sophie, () => sophie.locator('main').getByRole('link', { name: 'Téléphone et messagerie', exact: true }).click());
      await expectHeading(sophie, `Téléphone de ${name}`);
      await t.navigate(sophie, () => sophie.getByRole('button', { name: 'Ouvrir la messagerie', exact: true }).click(),
        { what: 'open a voicemail' });
      const opened = await sophie.locator('main [role="status"]').innerText();
      assert.match(opened, /Messagerie ouverte\. .* : \d{4}$/, opened);

      const person = await t.newPage();
      await t.goto(person, '/login/pin');
      await person.getByLabel('Identifiant', { exact: true }).fill(login);
      await person.getByLabel('Code PIN', { exact: true }).fill(pin);
      await t.navigate(person, () => person.locator('main').getByRole('button', { name: 'Se connecter', exact: true }).click(),
        { what: 'PIN sign-in' });
      await t.navigate(person, () => person.locator('header').getByRole('link', { name: 'Mon coffre-fort', exact: true }).click());
      await t.navigate(person, () => person.locator('main').getByRole('link', { name: 'Ma messagerie vocale', exact: true }).click());
      const text = await mainText(person);
      assert.ok(text.includes(`Votre numéro personnel : ${number}`), text);
      assert.match(text, /appelez le 01 84 60 00 00/);
      assert.match(text, /Aucun message pour l'instant\./);
      await person.getByLabel('Nouveau code secret (4 à 8 chiffres)', { exact: true }).fill('12');
      await t.navigate(person, () => person.getByRole('button', { name: 'Changer le code', exact: true }).click(),
        { status: 422, what: 'a short PIN' });
      await person.getByLabel('Nouveau code secret (4 à 8 chiffres)', { exact: true }).fill('2468');
      await t.navigate(person, () => person.getByRole('button', { name: 'Changer le code', exact: true }).click(), { what: 'PIN' });
      await expectNotice(person, 'Votre code secret a été changé.');
    },
  },
];
