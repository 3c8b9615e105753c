/**
 * The app shell: sign in with an API key, then the screens the key's role may use, addressed by
 * the URL's hash. Every HTTP call goes through api/client.ts.
 */
import { lazy, Suspense } from 'react';
import type { Me } from './api/client';
import { menuFor, mayOpen, MODEL_EDITORS } from './shell/navigation';
import { hrefOf, useRoute, type Route } from './shell/routes';
import { SessionProvider, useSession } from './shell/session';
import { SignIn } from './shell/sign-in';

// Screens load when first opened: the editor brings React Flow, the validator and dagre.
const EditorScreen = lazy(() => import('./editor/editor-screen').then((m) => ({ default: m.EditorScreen })));
const ModelsScreen = lazy(() => import('./models/models-screen').then((m) => ({ default: m.ModelsScreen })));
const CalibrationScreen = lazy(() => import('./calibration/calibration-screen').then((m) => ({ default: m.CalibrationScreen })));
const SimulateScreen = lazy(() => import('./simulate/simulate-screen').then((m) => ({ default: m.SimulateScreen })));
const QueueScreen = lazy(() => import('./queue/queue-screen').then((m) => ({ default: m.QueueScreen })));
const ReviewScreen = lazy(() => import('./review/review-screen').then((m) => ({ default: m.ReviewScreen })));
const LeadsScreen = lazy(() => import('./leads/leads-screen').then((m) => ({ default: m.LeadsScreen })));
const DashboardScreen = lazy(() => import('./dashboard/dashboard-screen').then((m) => ({ default: m.DashboardScreen })));

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const { state, signIn, signOut, retry } = useSession();
  switch (state.status) {
    case 'signed-out':
      return <SignIn reason={state.reason} onSignIn={signIn} />;
    case 'checking':
      return <p className="lf-message">Checking your key…</p>;
    case 'unchecked':
      return (
        <main className="lf-signin">
          <div className="lf-card" role="alert" data-testid="session-error">
            <h1>Could not check your key</h1>
            <p>{state.error}</p>
            <div className="lf-row">
              <button type="button" className="lf-primary" onClick={retry}>
                Try again
              </button>
              <button type="button" data-testid="signout" onClick={() => signOut()}>
                Sign in with another key
              </button>
            </div>
          </div>
        </main>
      );
    case 'signed-in':
      return <Frame me={state.me} onSignOut={() => signOut()} />;
  }
}

function Frame({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const menu = menuFor(me.role);
  const asked = useRoute();
  // The start page is the first screen the role has.
  const route: Route = asked.screen === 'home' && menu[0] ? ({ screen: menu[0].screen } as Route) : asked;
  const active = route.screen === 'editor' || route.screen === 'simulate' ? 'models' : route.screen;
  return (
    <div className="lf-app">
      <header className="lf-header">
        <a className="lf-brand" href={hrefOf({ screen: 'home' })}>
          LeadFlow
        </a>
        <nav aria-label="Screens">
          <ul>
            {menu.map((entry) => (
              <li key={entry.screen}>
                <a href={hrefOf({ screen: entry.screen } as Route)} data-testid={`nav-${entry.screen}`} aria-current={active === entry.screen ? 'page' : undefined}>
                  {entry.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span className="lf-spacer" />
        <span className="lf-muted" data-testid="whoami">
          {me.name} · {me.role}
        </span>
        <button type="button" data-testid="signout" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <Suspense fallback={<p className="lf-message">Loading…</p>}>
        <Screen route={route} me={me} />
      </Suspense>
    </div>
  );
}

function Screen({ route, me }: { route: Route; me: Me }) {
  if (!mayOpen(route, me.role)) {
    return (
      <main className="lf-page">
        <p role="alert" data-testid="forbidden">
          A {me.role} key cannot open this screen.
        </p>
      </main>
    );
  }
  const canEdit = MODEL_EDITORS.includes(me.role);
  switch (route.screen) {
    case 'home':
      return (
        <main className="lf-page">
          <p data-testid="no-screens">There is no screen for a {me.role} key yet.</p>
        </main>
      );
    case 'models':
      return <ModelsScreen canEdit={canEdit} />;
    case 'editor':
      return <EditorScreen modelId={route.modelId} canEdit={canEdit} />;
    case 'calibration':
      return <CalibrationScreen calibrationId={route.calibrationId} />;
    case 'simulate':
      return <SimulateScreen modelId={route.modelId} />;
    case 'queue':
      return <QueueScreen me={me} />;
    case 'review':
      return <ReviewScreen me={me} />;
    case 'leads':
      return <LeadsScreen leadId={route.leadId} />;
    case 'dashboard':
      return <DashboardScreen />;
    case 'not-found':
      return (
        <main className="lf-page">
          <p role="alert">There is no screen at "{route.path}".</p>
          <a href={hrefOf({ screen: 'home' })}>Go to the start</a>
        </main>
      );
  }
}
