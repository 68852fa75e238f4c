//! The form host: the one [`Screen`] of every form. A form is a [`FormSpec`] — its fields (a
//! [`Form`]), its checks, its save and the lines drawn over and under the fields — and
//! [`FormHost`] does the rest the same way for all of them: letters are text while it is open, a
//! change checks the form again, Enter or Ctrl-S saves, Esc asks about unsaved changes, a save
//! refused as busy is repeated by the app, and the form is drawn as a window over the screen.
//!
//! A new form is one spec; `FormHost::new(spec)` opens it. A spec that keeps its [`Form`] in a
//! field named `form` gets the two accessors from [`form_in_field!`](crate::form_in_field), and
//! a failed save ends the same way in every form ([`FormSpec::failed`]).

use std::ops::{Deref, DerefMut};

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::{Form, FormEvent};
use crate::service::write::EditError;
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome, Screen};

/// What one form is: its fields, checks, save, and what it shows around the fields.
pub trait FormSpec: std::fmt::Debug + 'static {
    fn form(&self) -> &Form;
    fn form_mut(&mut self) -> &mut Form;
    /// Title for the tab bar and breadcrumbs.
    fn title(&self) -> String;
    /// Checks the form again after a value changed (live results are recomputed here).
    fn recheck(&mut self, today: NaiveDate);
    /// Enter or Ctrl-S: checks and saves (through `service::write`).
    fn submit(&mut self, cx: &Ctx) -> Outcome;
    /// Lines over the fields: what is edited.
    fn header(&self, cx: &Ctx, area: Rect) -> Vec<Line<'static>>;
    /// Lines under the fields (live results).
    fn footer(&self, _cx: &Ctx) -> Vec<Line<'static>> {
        Vec::new()
    }
    /// The status line.
    fn status(&self) -> String;
    /// A save refused for another reason than a conflict: the notice says why, and a save
    /// refused as busy is repeated by the app.
    fn failed(&mut self, e: &EditError) -> Outcome {
        self.form_mut().save_failed(e);
        Outcome::Done
    }
}

/// [`FormSpec::form`] and [`FormSpec::form_mut`] of a spec whose form is its field `form`:
/// `impl FormSpec for MySpec { form_in_field!(); … }`.
#[macro_export]
macro_rules! form_in_field {
    () => {
        fn form(&self) -> &$crate::tui::form::Form {
            &self.form
        }

        fn form_mut(&mut self) -> &mut $crate::tui::form::Form {
            &mut self.form
        }
    };
}

/// The screen of a form: a [`FormSpec`] and the behaviour every form shares. It derefs to its
/// spec, so a test or a caller reads the spec's fields through it.
#[derive(Debug)]
pub struct FormHost<S>(S);

impl<S: FormSpec> FormHost<S> {
    pub fn new(spec: S) -> FormHost<S> {
        FormHost(spec)
    }

    pub fn spec(&self) -> &S {
        &self.0
    }
}

impl<S> Deref for FormHost<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.0
    }
}

impl<S> DerefMut for FormHost<S> {
    fn deref_mut(&mut self) -> &mut S {
        &mut self.0
    }
}

/// One intent given to a form: a change is checked again, a submit saves, Esc (after the
/// question about unsaved changes) closes the form.
pub fn route(spec: &mut impl FormSpec, action: Action, cx: &Ctx) -> Outcome {
    match spec.form_mut().handle(action) {
        FormEvent::Changed => {
            spec.recheck(cx.today);
            Outcome::Done
        }
        FormEvent::Submit => {
            // A repeat is only for a save refused as busy; whatever this one meets (a conflict
            // with another session's change, say) is the person's to decide.
            spec.form_mut().busy = false;
            spec.submit(cx)
        }
        FormEvent::Close => Outcome::Close,
        FormEvent::Moved | FormEvent::None => Outcome::Done,
    }
}

impl<S: FormSpec> Screen for FormHost<S> {
    fn retry_save(&self) -> bool {
        self.0.form().busy
    }

    fn title(&self) -> String {
        self.0.title()
    }

    fn typing(&self) -> bool {
        true
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        route(&mut self.0, action, cx)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let header = self.0.header(cx, area);
        let footer = self.0.footer(cx);
        self.0.form().draw(frame, area, &cx.theme, header, footer);
    }

    fn status(&self) -> String {
        self.0.status()
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        self.0.form().keys()
    }
}
