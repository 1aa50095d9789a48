//! The one place where Entraide decides who may do what. Handlers ask
//! [`allows`]; nothing else grants access.

use crate::role::OrgRole;

/// Who is acting: their platform standing and, for an action inside an
/// organisation, their role there (`None` when they are not a member).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub platform_admin: bool,
    pub org_role: Option<OrgRole>,
}

/// Everything that needs a permission beyond being signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See an organisation's list of members (names and roles).
    ViewMembers,
    /// See the members' contact details (email, platform login, PIN lock).
    ViewContacts,
    /// Create invitation links.
    InviteMembers,
    /// Change a member's role or remove them.
    ManageRoles,
    /// Edit the organisation's name, kind and description.
    EditOrganisation,
    /// Export or import the members as CSV.
    ExportImportMembers,
    /// Register a person without email (login + PIN) and unlock their PIN
    /// (social workers, and coordinators who register the elderly people
    /// their visitors see).
    AccompanyPeople,
    /// Act for a person the organisation accompanies (post a need, answer
    /// for them); every act is logged for that person.
    ActForPeople,
    /// Run a visits programme: vet visitors, add visited people, approve and
    /// end pairings, read visit notes.
    CoordinateVisits,
    /// Moderate the conversations linked to the organisation (its team, its
    /// pairings, the needs posted in its name): read reports, hide
    /// messages, warn their authors. Suspending an account is for platform
    /// administrators only.
    Moderate,
    /// Hold an account in the organisation's time bank and give time.
    UseTimeBank,
    /// Open the time bank, set its limits, pay from the organisation's
    /// account and reverse transfers.
    ManageTimeBank,
    /// Open the platform administration (people, organisations, audit log).
    AdministerPlatform,
}

impl Action {
    pub const ALL: &'static [Self] = &[
        Self::ViewMembers,
        Self::ViewContacts,
        Self::InviteMembers,
        Self::ManageRoles,
        Self::EditOrganisation,
        Self::ExportImportMembers,
        Self::AccompanyPeople,
        Self::ActForPeople,
        Self::CoordinateVisits,
        Self::Moderate,
        Self::UseTimeBank,
        Self::ManageTimeBank,
        Self::AdministerPlatform,
    ];
}

/// Decides whether `actor` may perform `action`.
pub fn allows(actor: Actor, action: Action) -> bool {
    use OrgRole::*;
    if actor.platform_admin {
        return true;
    }
    let Some(role) = actor.org_role else {
        return false;
    };
    match action {
        Action::ViewMembers => true,
        Action::InviteMembers | Action::ViewContacts => {
            matches!(role, Coordinator | SocialWorker | Admin)
        }
        Action::ManageRoles | Action::EditOrganisation | Action::ExportImportMembers => {
            role == Admin
        }
        Action::AccompanyPeople => matches!(role, Coordinator | SocialWorker | Admin),
        Action::ActForPeople => matches!(role, Coordinator | SocialWorker | Admin),
        Action::CoordinateVisits => matches!(role, Coordinator | Admin),
        Action::Moderate => role == Admin,
        Action::UseTimeBank => true,
        Action::ManageTimeBank => role == Admin,
        Action::AdministerPlatform => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full matrix, written out so that a change of rule is a visible
    /// change of this table.
    #[test]
    fn matrix() {
        use Action::*;
        let table: &[(Option<OrgRole>, &[Action])] = &[
            (None, &[]),
            (Some(OrgRole::Member), &[ViewMembers, UseTimeBank]),
            (Some(OrgRole::Volunteer), &[ViewMembers, UseTimeBank]),
            (
                Some(OrgRole::Coordinator),
                &[
                    ViewMembers,
                    ViewContacts,
                    InviteMembers,
                    AccompanyPeople,
                    ActForPeople,
                    CoordinateVisits,
                    UseTimeBank,
                ],
            ),
            (
                Some(OrgRole::SocialWorker),
                &[
                    ViewMembers,
                    ViewContacts,
                    InviteMembers,
                    AccompanyPeople,
                    ActForPeople,
                    UseTimeBank,
                ],
            ),
            (
                Some(OrgRole::Admin),
                &[
                    ViewMembers,
                    ViewContacts,
                    InviteMembers,
                    ManageRoles,
                    EditOrganisation,
                    ExportImportMembers,
                    AccompanyPeople,
                    ActForPeople,
                    CoordinateVisits,
                    Moderate,
                    UseTimeBank,
                    ManageTimeBank,
                ],
            ),
        ];
        for (role, granted) in table {
            for action in Action::ALL {
                let actor = Actor {
                    platform_admin: false,
                    org_role: *role,
                };
                assert_eq!(
                    allows(actor, *action),
                    granted.contains(action),
                    "{role:?} {action:?}"
                );
            }
        }
        for action in Action::ALL {
            assert!(allows(
                Actor {
                    platform_admin: true,
                    org_role: None
                },
                *action
            ));
        }
    }
}
