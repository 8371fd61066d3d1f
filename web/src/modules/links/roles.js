// roles.js -- who may do what on the links screens; apart from lib.js so that the header
// (which loads every module's routes.js at once) does not carry the screens' logic.
// The permission table of src/core/rbac.c, for what the screens offer (the server decides):
// pairing.read (staff who use the desktop), pairing.write (pair by hand, end, tasks),
// pairing.run (units with villages, contact points), tree.write (a place's card contact).
export const ROLES = {
  read: ['county_admin', 'township_admin', 'village_secretary', 'group_leader', 'inspector'],
  write: ['county_admin', 'township_admin', 'village_secretary'],
  run: ['county_admin', 'township_admin'],
  tree: ['county_admin', 'township_admin', 'village_secretary'],
};

// Whether `role` has the permission `what` of ROLES.
export function can(role, what) { return !!ROLES[what]?.includes(role); }
