import { InitialSchema1795607265217 } from './1795607265217-InitialSchema';

/** Every migration in order, listed explicitly so the same list works from src (ts) and dist (js). */
export const MIGRATIONS: Function[] = [InitialSchema1795607265217];
