// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guardLeaving, hrefOf, leaveTo, useRoute, type Route } from './routes';

function Shown() {
  const route = useRoute();
  return (
    <>
      <p data-testid="screen">{route.screen}</p>
      <a href={hrefOf({ screen: 'models' })}>Models</a>
    </>
  );
}

const hashChanged = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
const shows = (screenId: string) => waitFor(() => expect(screen.getByTestId('screen').textContent).toBe(screenId));

describe('guardLeaving', () => {
  let asked: Route[];
  let removeGuard: () => void;
  beforeEach(() => {
    window.location.hash = '#/models/b2b';
    asked = [];
  });
  afterEach(() => {
    removeGuard?.();
    cleanup();
  });

  it('stops a link and a hash change while the guard says stay, and lets leaveTo go', async () => {
    render(<Shown />);
    expect(screen.getByTestId('screen').textContent).toBe('editor');
    removeGuard = guardLeaving((to) => {
      asked.push(to);
      return false;
    });

    await userEvent.click(screen.getByText('Models'));
    expect(asked).toEqual([{ screen: 'models' }]);
    expect(window.location.hash).toBe('#/models/b2b');
    expect(screen.getByTestId('screen').textContent).toBe('editor');

    // The back button: the hash has changed already; the screen stays and its address comes back.
    window.location.hash = '#/dashboard';
    hashChanged();
    expect(asked).toEqual([{ screen: 'models' }, { screen: 'dashboard' }]);
    expect(screen.getByTestId('screen').textContent).toBe('editor');
    expect(window.location.hash).toBe('#/models/b2b');

    leaveTo({ screen: 'models' });
    hashChanged();
    await shows('models');
  });

  it('lets everything through when the guard says go, and after it is removed', async () => {
    render(<Shown />);
    removeGuard = guardLeaving(() => true);
    await userEvent.click(screen.getByText('Models'));
    hashChanged();
    await shows('models');
    removeGuard();
    window.location.hash = '#/dashboard';
    hashChanged();
    await shows('dashboard');
  });
});
