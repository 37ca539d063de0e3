using Dapper;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace WxBind.Storage;

internal static class StorageExtensions
{
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        SQLitePCL.Batteries_V2.Init();
        SqliteSleep.Install();
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        // Dapper maps DateTimeOffset natively; drop that mapping so the handler sees every value.
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());

        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => CreateDatabase(builder.Configuration, builder.Environment, sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        builder.Services.AddSingleton<DataProtectionKeyRepository>();
        builder.Services.AddDataProtection().SetApplicationName("WxBind");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<DataProtectionKeyRepository>((options, repository) => options.XmlRepository = repository);
        return builder;
    }

    /// <summary>Brings the schema up to date before the app serves its first request.</summary>
    public static Task MigrateDatabaseAsync(this WebApplication app) =>
        app.Services.GetRequiredService<MigrationRunner>().MigrateAsync(app.Lifetime.ApplicationStopping);

    private static Database CreateDatabase(IConfiguration configuration, IHostEnvironment environment, StorageOptions options)
    {
        if (options.Provider == StorageProvider.Postgres)
        {
            var postgres = configuration.GetConnectionString("Postgres");
            if (string.IsNullOrWhiteSpace(postgres))
            {
                throw new OptionsValidationException("ConnectionStrings:Postgres", typeof(StorageOptions),
                    ["ConnectionStrings:Postgres is required when WxBind:Storage:Provider is Postgres."]);
            }
            return new Database(StorageProvider.Postgres, postgres);
        }

        var sqlite = configuration.GetConnectionString("Sqlite");
        if (string.IsNullOrWhiteSpace(sqlite))
        {
            sqlite = "Data Source=data/wxbind.db";
        }
        // A relative file is kept under the content root, not wherever the process happens to start.
        var csb = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(sqlite);
        if (!Path.IsPathRooted(csb.DataSource) && csb.DataSource != ":memory:")
        {
            csb.DataSource = Path.Combine(environment.ContentRootPath, csb.DataSource);
        }
        return new Database(StorageProvider.Sqlite, csb.ToString());
    }
}
