import { type FakeUser, makeUser, membership } from '@waizant/support-core/testing';

/** The people the fake server knows in the element tests and the stories (fresh ids each call). */
export interface People {
  /** Administrator of Casa Pérez, managed user of Oficina Centro: three destinations. */
  readonly admin: FakeUser;
  /** Managed user of Familia Ruiz: two destinations. */
  readonly managed: FakeUser;
  /** Successor of two inherited ecosystems (and a member of a third, not inherited). */
  readonly successor: FakeUser;
  /** A disabled account: found, but cannot be assisted. */
  readonly disabled: FakeUser;
}

export function people(): People {
  return {
    admin: makeUser({
      name: 'Ana Pérez',
      email: 'ana.perez@example.com',
      ecosystems: [membership('Casa Pérez', 'administrator'), membership('Oficina Centro', 'managed')],
    }),
    managed: makeUser({
      name: 'Luis Ruiz',
      email: 'luis.ruiz@example.com',
      ecosystems: [membership('Familia Ruiz', 'managed')],
    }),
    successor: makeUser({
      name: 'Sofía Gómez',
      email: 'sofia.gomez@example.com',
      ecosystems: [
        membership('Legado Gómez', 'administrator', true),
        membership('Finca El Roble', 'managed', true),
        membership('Club', 'managed', false),
      ],
    }),
    disabled: makeUser({
      name: 'Pedro Bloqueado',
      email: 'pedro@example.com',
      status: 'disabled',
      ecosystems: [membership('Casa', 'administrator')],
    }),
  };
}
