import type { CoreDirectory, SqlExecutor } from '../../ports/index.js';

/**
 * The embedded directory's users' languages (table `embedded_user_locales`, empty unless a host
 * or test fills it): the stand-in for a Core DB that keeps a preferred language per user.
 */
export function withEmbeddedLocales(directory: CoreDirectory, db: SqlExecutor): CoreDirectory {
  return {
    ...directory,
    async getUserLocale(userId) {
      const { rows } = await db.query<{ locale: string }>(
        'SELECT locale FROM embedded_user_locales WHERE user_id = $1',
        [userId],
      );
      return rows[0]?.locale ?? null;
    },
  };
}
