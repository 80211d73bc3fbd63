#pragma once
// Every QAction of the main window, registered under a stable id ("time.next", "file.openArchive") with its
// default shortcut. Menus and toolbars are assembled from ids (MenuBuilder), and the shortcuts dialog and
// StudioSettings change shortcuts by id, so a user's key bindings survive new versions that move actions
// between menus.

#include <QHash>
#include <QIcon>
#include <QKeySequence>
#include <QObject>
#include <QStringList>

class QAction;

namespace solarchip {

class StudioSettings;

class ActionRegistry : public QObject {
    Q_OBJECT
public:
    explicit ActionRegistry(QObject *parent = nullptr);

    /// Creates and registers an action (owned by the registry). Ids must be unique.
    QAction *add(const QString &id, const QString &text, const QKeySequence &defaultShortcut = {},
                 const QIcon &icon = {});
    /// Registers an action made elsewhere (e.g. a dock's toggleViewAction()); not re-parented.
    QAction *adopt(const QString &id, QAction *action, const QKeySequence &defaultShortcut = {});

    /// The action for an id, or nullptr.
    QAction *action(const QString &id) const;
    /// Ids in registration order.
    QStringList ids() const { return m_ids; }
    QKeySequence defaultShortcut(const QString &id) const;

    /// Applies the user's shortcuts from the settings (defaults for ids never changed).
    void loadShortcuts(const StudioSettings &settings);
    /// Sets a shortcut now and remembers it (only if it differs from the default).
    void setShortcut(const QString &id, const QKeySequence &sequence, StudioSettings &settings);
    /// Ids of other actions that already use `sequence` (for the dialog's conflict warning).
    QStringList conflicts(const QString &id, const QKeySequence &sequence) const;

private:
    QStringList m_ids;
    QHash<QString, QAction *> m_actions;
    QHash<QString, QKeySequence> m_defaults;
};

}  // namespace solarchip
