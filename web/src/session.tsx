import { createContext, useContext } from 'react';
import type { Alert, Session } from './api/types';

export interface ConsoleContext {
  session: Session;
  signOut: () => void;
  /** Alerts received on the live stream since the console opened, newest first. */
  liveAlerts: Alert[];
  streamState: 'connecting' | 'open' | 'closed';
}

export const Context = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const value = useContext(Context);
  if (!value) throw new Error('useConsole outside the signed-in console');
  return value;
}

export function isAdmin(session: Session): boolean {
  return session.user.role === 'admin';
}
export function canContribute(session: Session): boolean {
  return session.user.role === 'admin' || session.user.role === 'contributor';
}
