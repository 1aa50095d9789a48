// The scenarios. Each gets a Scenario (lib/harness.mjs) and opens its own
// browser contexts, so none depends on cookies left by another. Every page
// is reached through t.goto or t.navigate, which run axe on it.

import assert from 'node:assert/strict';

const DEMO_PASSWORD = 'entraide-demo';
const DEMO_ADMIN = 'admin@demo.entraide.test';
const DEMO_NEIGHBOUR = 'voisine@demo.entraide.test';
const DEMO_PIN_LOGIN = 'momo-1953';
const DEMO_PIN = '246810';

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
];
