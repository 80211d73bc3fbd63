#include "app/gui/ShortcutsDialog.h"

#include "app/gui/ActionRegistry.h"
#include "app/gui/DialogSize.h"
#include "app/gui/StudioSettings.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeySequenceEdit>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace solarchip {

namespace {
QString plainText(const QAction *action)
{
    QString text = action->text();
    text.remove(QLatin1Char('&'));
    return text;
}
}  // namespace

ShortcutsDialog::ShortcutsDialog(ActionRegistry *registry, StudioSettings *settings, QWidget *parent)
    : QDialog(parent), m_registry(registry), m_settings(settings)
{
    setWindowTitle(tr("Keyboard shortcuts"));
    auto *layout = new QVBoxLayout(this);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("shortcutFilter"));
    m_filter->setPlaceholderText(tr("Search actions or keys…"));
    m_filter->setClearButtonEnabled(true);
    layout->addWidget(m_filter);
    connect(m_filter, &QLineEdit::textChanged, this, &ShortcutsDialog::applyFilter);
    // What users read: the action as the menus name it and its keys (the registry's ids stay inside).
    m_table = new QTableWidget(this);
    m_table->setObjectName(QStringLiteral("shortcutTable"));
    m_table->setColumnCount(2);
    m_table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_table);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *edit = buttons->addButton(tr("Change…"), QDialogButtonBox::ActionRole);
    auto *reset = buttons->addButton(tr("Reset"), QDialogButtonBox::ResetRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
    connect(edit, &QPushButton::clicked, this, [this] { editRow(m_table->currentRow()); });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { editRow(row); });
    connect(reset, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        if (row < 0)
            return;
        const QString id = m_registry->ids().value(row);
        m_registry->setShortcut(id, m_registry->defaultShortcut(id), *m_settings);
        fill();
    });
    fill();
    resize(560, 520);
}

void ShortcutsDialog::fill()
{
    const QStringList ids = m_registry->ids();
    m_table->setRowCount(int(ids.size()));
    for (int row = 0; row < ids.size(); ++row) {
        const QAction *a = m_registry->action(ids[row]);
        m_table->setItem(row, 0, new QTableWidgetItem(plainText(a)));
        m_table->setItem(row, 1, new QTableWidgetItem(a->shortcut().toString(QKeySequence::NativeText)));
    }
    applyFilter(m_filter->text());
}

void ShortcutsDialog::applyFilter(const QString &text)
{
    const QString needle = text.trimmed();
    for (int row = 0; row < m_table->rowCount(); ++row) {
        bool match = needle.isEmpty();
        for (int column = 0; column < m_table->columnCount() && !match; ++column)
            if (const QTableWidgetItem *item = m_table->item(row, column))
                match = item->text().contains(needle, Qt::CaseInsensitive);
        m_table->setRowHidden(row, !match);
    }
}

int ShortcutsDialog::visibleRowCount() const
{
    int n = 0;
    for (int row = 0; row < m_table->rowCount(); ++row)
        n += m_table->isRowHidden(row) ? 0 : 1;
    return n;
}

void ShortcutsDialog::editRow(int row)
{
    if (row < 0 || row >= m_registry->ids().size())
        return;
    const QString id = m_registry->ids()[row];
    QDialog ask(this);
    ask.setWindowTitle(tr("Shortcut for “%1”").arg(plainText(m_registry->action(id))));
    makeWideEnoughForTitle(&ask);
    auto *layout = new QVBoxLayout(&ask);
    auto *edit = new QKeySequenceEdit(m_registry->action(id)->shortcut(), &ask);
    layout->addWidget(edit);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &ask);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &ask, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &ask, &QDialog::reject);
    edit->setFocus();
    if (ask.exec() != QDialog::Accepted)
        return;
    const QKeySequence sequence = edit->keySequence();
    const QStringList clash = m_registry->conflicts(id, sequence);
    if (!clash.isEmpty()) {
        const auto answer = QMessageBox::question(
            this, windowTitle(),
            tr("%1 is already used by “%2”. Use it here and remove it there?")
                .arg(sequence.toString(QKeySequence::NativeText), plainText(m_registry->action(clash.front()))));
        if (answer != QMessageBox::Yes)
            return;
        for (const QString &other : clash)
            m_registry->setShortcut(other, QKeySequence(), *m_settings);
    }
    m_registry->setShortcut(id, sequence, *m_settings);
    fill();
    m_table->selectRow(row);
}

}  // namespace solarchip
