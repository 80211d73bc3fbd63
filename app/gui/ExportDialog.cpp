#include "app/gui/ExportDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace solarchip {

ExportDialog::ExportDialog(Kind kind, const QString &suggestedPath, QSize viewSize, QSize dataSize, QWidget *parent)
    : QDialog(parent), m_kind(kind)
{
    setWindowTitle(kind == Kind::Png ? tr("Export view as PNG") : tr("Export map as FITS"));
    setObjectName(QStringLiteral("exportDialog"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    auto *row = new QHBoxLayout;
    m_path = new QLineEdit(QDir::toNativeSeparators(suggestedPath), this);
    m_path->setObjectName(QStringLiteral("exportPath"));
    row->addWidget(m_path, 1);
    auto *browse = new QPushButton(tr("Browse…"), this);
    row->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    form->addRow(tr("Save as:"), row);
    if (kind == Kind::Png) {
        m_overlays = new QCheckBox(tr("Draw the overlays (label, limb, grid, colour bar as on screen)"), this);
        m_overlays->setObjectName(QStringLiteral("exportOverlays"));
        m_overlays->setChecked(true);
        form->addRow(QString(), m_overlays);
        m_resolution = new QComboBox(this);
        m_resolution->setObjectName(QStringLiteral("exportResolution"));
        m_resolution->addItem(tr("As on screen (%1 × %2 px)").arg(viewSize.width()).arg(viewSize.height()), false);
        m_resolution->addItem(tr("Data resolution: one pixel per map pixel (%1 × %2 px)")
                                  .arg(dataSize.width())
                                  .arg(dataSize.height()),
                              true);
        form->addRow(tr("Size:"), m_resolution);
    }
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    // Wide enough for the title and a full path.
    setMinimumWidth(std::max(560, fontMetrics().horizontalAdvance(windowTitle()) + 200));
}

QString ExportDialog::path() const
{
    return QDir::fromNativeSeparators(m_path->text().trimmed());
}

void ExportDialog::setPath(const QString &path)
{
    m_path->setText(QDir::toNativeSeparators(path));
}

bool ExportDialog::withOverlays() const
{
    return m_overlays && m_overlays->isChecked();
}

void ExportDialog::setWithOverlays(bool on)
{
    if (m_overlays)
        m_overlays->setChecked(on);
}

bool ExportDialog::dataResolution() const
{
    return m_resolution && m_resolution->currentData().toBool();
}

void ExportDialog::setDataResolution(bool on)
{
    if (m_resolution)
        m_resolution->setCurrentIndex(on ? 1 : 0);
}

void ExportDialog::browse()
{
    const bool png = m_kind == Kind::Png;
    const QString chosen = QFileDialog::getSaveFileName(
        this, windowTitle(), path(), png ? tr("PNG images (*.png)") : tr("FITS files (*.fits *.fts *.fit)"));
    if (!chosen.isEmpty())
        setPath(chosen);
}

void ExportDialog::accept()
{
    QString p = path();
    if (p.isEmpty()) {
        QMessageBox::information(this, windowTitle(), tr("Say where to save the file."));
        return;
    }
    // A name without the extension gets it (the writers pick the format by what is asked, not the name).
    const QString suffix = QFileInfo(p).suffix().toLower();
    if (m_kind == Kind::Png && suffix != QLatin1String("png"))
        p += QStringLiteral(".png");
    else if (m_kind == Kind::Fits && suffix != QLatin1String("fits") && suffix != QLatin1String("fts")
             && suffix != QLatin1String("fit"))
        p += QStringLiteral(".fits");
    const QFileInfo info(p);
    if (!info.absoluteDir().exists()) {
        QMessageBox::warning(this, windowTitle(),
                             tr("The folder %1 does not exist.").arg(QDir::toNativeSeparators(info.absolutePath())));
        return;
    }
    if (info.exists()
        && QMessageBox::question(this, windowTitle(),
                                 tr("%1 exists. Replace it?").arg(QDir::toNativeSeparators(info.absoluteFilePath())))
               != QMessageBox::Yes)
        return;
    setPath(info.absoluteFilePath());
    QDialog::accept();
}

}  // namespace solarchip
