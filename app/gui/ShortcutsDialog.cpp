#include "app/gui/ShortcutsDialog.h"

#include "app/gui/ActionRegistry.h"
#include "app/gui/StudioSettings.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeySequenceEdit>
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
    m_table = new QTableWidget(this);
    m_table->setColumnCount(3);
    m_table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut"), tr("Id")});
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
        m_table->setItem(row, 2, new QTableWidgetItem(ids[row]));
    }
}

void ShortcutsDialog::editRow(int row)
{
    if (row < 0 || row >= m_registry->ids().size())
        return;
    const QString id = m_registry->ids()[row];
    QDialog ask(this);
    ask.setWindowTitle(tr("Shortcut for “%1”").arg(plainText(m_registry->action(id))));
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
