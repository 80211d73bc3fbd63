#include "app/gui/ActionRegistry.h"

#include "app/gui/StudioSettings.h"

#include <QAction>

namespace solarchip {

ActionRegistry::ActionRegistry(QObject *parent) : QObject(parent) {}

QAction *ActionRegistry::add(const QString &id, const QString &text, const QKeySequence &defaultShortcut,
                             const QIcon &icon)
{
    auto *action = new QAction(icon, text, this);
    return adopt(id, action, defaultShortcut);
}

QAction *ActionRegistry::adopt(const QString &id, QAction *action, const QKeySequence &defaultShortcut)
{
    Q_ASSERT_X(!m_actions.contains(id), "ActionRegistry", qPrintable(QStringLiteral("duplicate id ") + id));
    action->setObjectName(id);
    action->setShortcut(defaultShortcut);
    // Window-wide shortcuts work whatever child has the focus (map view, timeline, globe).
    action->setShortcutContext(Qt::WindowShortcut);
    m_ids << id;
    m_actions.insert(id, action);
    m_defaults.insert(id, defaultShortcut);
    return action;
}

QAction *ActionRegistry::action(const QString &id) const
{
    return m_actions.value(id, nullptr);
}

QKeySequence ActionRegistry::defaultShortcut(const QString &id) const
{
    return m_defaults.value(id);
}

void ActionRegistry::loadShortcuts(const StudioSettings &settings)
{
    for (const QString &id : m_ids)
        m_actions[id]->setShortcut(settings.shortcut(id).value_or(m_defaults.value(id)));
}

void ActionRegistry::setShortcut(const QString &id, const QKeySequence &sequence, StudioSettings &settings)
{
    QAction *a = action(id);
    if (!a)
        return;
    a->setShortcut(sequence);
    if (sequence == m_defaults.value(id))
        settings.resetShortcut(id);
    else
        settings.setShortcut(id, sequence);
}

QStringList ActionRegistry::conflicts(const QString &id, const QKeySequence &sequence) const
{
    QStringList out;
    if (sequence.isEmpty())
        return out;
    for (const QString &other : m_ids)
        if (other != id && m_actions[other]->shortcut() == sequence)
            out << other;
    return out;
}

}  // namespace solarchip
